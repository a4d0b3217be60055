package views

// Classes holds the host's extra class names, one field per element role. Every element always
// renders its stable hook class ("mfa-" plus the role in kebab case, noted on each field) and
// then the field's value, e.g. class="mfa-btn mfa-btn-primary btn btn-primary" for
// Classes{Button: "btn", ButtonPrimary: "btn-primary"}. The embedded stylesheet only targets
// the stable hooks, so a host that brings its own CSS (Bootstrap, Tailwind, …) sets these fields
// and switches the default stylesheet off; a host that keeps it can still target the hooks.
type Classes struct {
	// Document (DefaultLayout only)
	Body     string // mfa-body: the <body>
	SkipLink string // mfa-skip-link: "Skip to main content"
	Nav      string // mfa-nav: the optional "back" navigation above the page
	Main     string // mfa-main: the <main> landmark

	// Page structure
	Page         string // mfa-page: wrapper of every page body
	Header       string // mfa-header: the block holding the h1 and the lead paragraph
	Title        string // mfa-title: the page's single h1
	Lead         string // mfa-lead: the sentence under the h1
	Eyebrow      string // mfa-eyebrow: small text above the h1 (error status)
	Section      string // mfa-section: a titled part of a page (rendered as a card)
	SectionTitle string // mfa-section-title: h2 of a section
	Text         string // mfa-text: body paragraph
	Note         string // mfa-note: secondary, smaller paragraph
	Steps        string // mfa-steps: the ordered list of setup steps
	Step         string // mfa-step: one setup step
	StepTitle    string // mfa-step-title: h2 of one step
	Actions      string // mfa-actions: a row of buttons
	Badge        string // mfa-badge: "Recommended", "Less secure"
	Empty        string // mfa-empty: the empty state of the method list
	Status       string // mfa-status: recovery-code status line, push result
	Icon         string // mfa-icon: decorative inline SVG icons (aria-hidden)
	// VisuallyHidden (mfa-visually-hidden) hides text that only screen readers need, e.g.
	// the method name after "Remove". Bootstrap: "visually-hidden"; Tailwind: "sr-only".
	VisuallyHidden string

	// Controls
	Button          string // mfa-btn: every button and button-styled link
	ButtonPrimary   string // mfa-btn-primary
	ButtonSecondary string // mfa-btn-secondary
	ButtonDanger    string // mfa-btn-danger
	Link            string // mfa-link: a plain text link
	CopyButton      string // mfa-copy: "Copy" buttons (hidden until the script enables them)
	PrintButton     string // mfa-print: "Print" button (hidden until the script enables it)

	// Forms
	Form         string // mfa-form
	Field        string // mfa-field: label + input + hint + error
	Label        string // mfa-label
	Input        string // mfa-input: text, tel and email inputs
	CodeInput    string // mfa-input-code: one-time-code inputs (also has mfa-input)
	InputInvalid string // mfa-input-invalid: an input whose value was rejected (e.g. "is-invalid")
	Hint         string // mfa-hint: help text under a label
	FieldError   string // mfa-field-error: the error text tied to a field
	Checkbox     string // mfa-checkbox: the "I have saved it" checkbox row

	// Flash messages
	Flash        string // mfa-flash
	FlashSuccess string // mfa-flash-success
	FlashError   string // mfa-flash-error
	FlashInfo    string // mfa-flash-info

	// Nudge (in the host's own layout)
	Nudge string // mfa-nudge: the reminder to add a second sign-in step

	// Method list
	Table      string // mfa-table: the table of enrolled methods
	FactorName string // mfa-factor-name: the method label ("Authenticator app")
	FactorMeta string // mfa-factor-meta: masked name, dates
	Choices    string // mfa-choices: the "Add a method" list
	Choice     string // mfa-choice: one way to add a method

	// Secrets and codes
	QR     string // mfa-qr: the figure around a QR code
	Secret string // mfa-secret: the TOTP key shown in groups of 4
	Code   string // mfa-recovery-code: the recovery code shown once
	Print  string // mfa-printable: the part of the recovery page that prints
	Meta   string // mfa-details: small key/value lists (account name, key type)

	built *classAttrs // set by Prepared
}

// DefaultClasses returns the classes the embedded stylesheet expects: no extra classes, only the
// stable mfa-… hooks, which are always rendered. Start from it and set the fields your CSS
// framework needs.
func DefaultClasses() Classes { return Classes{} }
