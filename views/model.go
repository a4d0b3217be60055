package views

import (
	"time"

	"github.com/a-h/templ"
)

// Layout wraps a page body in a full document: the host's chrome, or DefaultLayout. It receives
// the page's PageMeta, including page-specific head content in HeadExtra (the push page's
// <meta http-equiv="refresh">), which a host layout should render inside its <head>.
type Layout func(meta PageMeta, body templ.Component) templ.Component

// PageMeta is what every page knows about the document around it.
type PageMeta struct {
	// Title is the page's h1 and the first part of <title>. Empty: the page's default heading.
	Title string
	// AppName, when set, is appended to <title> ("Add a method – Example").
	AppName string
	// Lang is the document language (default "en").
	Lang string
	// BasePath is where mfahandler is mounted, e.g. "/account/mfa", without a trailing slash.
	BasePath string
	// Classes are the host's extra classes.
	Classes Classes
	// StylesheetURL is the stylesheet DefaultLayout links to. Empty: no stylesheet (the host
	// brings its own CSS). Normally "{BasePath}/static/" + StylesheetFile().
	StylesheetURL templ.SafeURL
	// ScriptURL is the optional same-origin enhancement script (copy and print buttons).
	// Empty: no script; every page still works. Normally "{BasePath}/static/" + ScriptFile().
	ScriptURL templ.SafeURL
	// HomeURL, when set, is linked from DefaultLayout as "Back to your account".
	HomeURL templ.SafeURL
	// HeadExtra is rendered at the end of <head>: the host's additions plus whatever a page
	// adds with WithHead (the push page's refresh). May be nil.
	HeadExtra templ.Component
	// Layout wraps the page body; nil means DefaultLayout. mfahandler sets it from its
	// WithLayout option (the one place a host sets the layout) so that every page func,
	// default or the host's, wraps the same way.
	Layout Layout
}

// Wrap renders body inside m.Layout (DefaultLayout when nil).
func (m PageMeta) Wrap(body templ.Component) templ.Component {
	l := m.Layout
	if l == nil {
		l = DefaultLayout
	}
	return l(m, body)
}

// WithHead returns m with c appended to HeadExtra.
func (m PageMeta) WithHead(c templ.Component) PageMeta {
	switch {
	case c == nil:
	case m.HeadExtra == nil:
		m.HeadExtra = c
	default:
		m.HeadExtra = templ.Join(m.HeadExtra, c)
	}
	return m
}

// withTitle fills an empty Title with the page's default heading.
func (m PageMeta) withTitle(def string) PageMeta {
	if m.Title == "" {
		m.Title = def
	}
	return m
}

// Form is one HTML form. Its submit button is part of the page that renders it.
type Form struct {
	// Action is where the form submits. It is re-checked when rendered: a javascript: or other
	// non-http(s) scheme is never rendered.
	Action templ.SafeURL
	// Method is "post" (the default when empty) or "get".
	Method string
	// Fields is rendered first inside the form: host-supplied hidden inputs such as a CSRF
	// token, and any hidden state the handler needs. May be nil.
	Fields templ.Component
}

// IsZero reports whether f has no action, i.e. there is no form to render.
func (f Form) IsZero() bool { return f.Action == "" }

// Action is a control that either submits a form (Form set: a POST button) or follows a link
// (Href set: a GET link styled as a button). The zero Action renders nothing.
type Action struct {
	Label string        // visible text; empty uses the page's default for that control
	Href  templ.SafeURL // followed when Form is nil
	Form  *Form         // submitted when set
}

// IsZero reports whether a has neither a form nor a link.
func (a Action) IsZero() bool { return a.Form == nil && a.Href == "" }

// FlashKind says what a flash message reports.
type FlashKind string

// Flash kinds. Errors are announced with role="alert", the others with role="status".
const (
	FlashSuccess FlashKind = "success"
	FlashError   FlashKind = "error"
	FlashInfo    FlashKind = "info"
)

// Flash is a one-time message shown at the top of a page. An empty Message renders nothing.
type Flash struct {
	Kind    FlashKind // empty means FlashInfo
	Message string
}

// Kind is a kind of second factor, as Auth0 names them in authenticator ids.
type Kind string

// The kinds of factor.
const (
	KindTOTP         Kind = "totp"
	KindSMS          Kind = "sms"
	KindVoice        Kind = "voice"
	KindPush         Kind = "push"
	KindEmail        Kind = "email"
	KindRecoveryCode Kind = "recovery-code"
)

// FactorGroup is one method as a person thinks of it: one phone (SMS and voice share it), one
// Guardian device (push plus its companion codes), one authenticator app, one email address.
type FactorGroup struct {
	// ID identifies the group for the handler (any member's authenticator id). Not rendered.
	ID string
	// Kinds are the authenticator kinds in the group, e.g. {KindSMS, KindVoice}.
	Kinds []Kind
	// Label overrides the method label derived from Kinds (see GroupLabel).
	Label string
	// Name is the masked, host-supplied name, e.g. "+1 ••• ••• 4567". It is only ever text.
	Name string
	// CreatedAt is when the method was added; zero when unknown.
	CreatedAt time.Time
	// LastUsed is when the method was last used to sign in; zero when unknown or never.
	LastUsed time.Time
	// Now, when set, is the time LastUsed is told relative to ("Last used 2 minutes ago");
	// zero shows the date.
	Now time.Time
	// RemoveNote, when set, is said on the removal confirmation page before the default
	// sentences (for example that removing an app may turn off a push on the same device).
	RemoveNote string
	// RemoveURL is the GET link to the removal confirmation page, normally
	// RemoveHref(BasePath, ID). Empty: no Remove link.
	RemoveURL templ.SafeURL
	// Fixed, when set, says why the method cannot be removed here (the account's own
	// verified email, which Auth0 lists as a method); it stands where the Remove link would.
	Fixed string
	// RenameURL is the GET link to the page that names the method (My Account API). Empty:
	// no Rename link.
	RenameURL templ.SafeURL
	// Channel, when set, is a phone's switch to its other channel.
	Channel *ChannelSwitch
}

// ChannelSwitch switches a phone method between text messages and voice calls: a POST form
// with one button that turns To on.
type ChannelSwitch struct {
	Form Form // the POST; its Fields carry the method and the channel
	To   Kind // KindSMS or KindVoice
}

// RecoveryStatus is the list page's recovery-code line. The zero value hides it (recovery codes
// are off for the tenant).
type RecoveryStatus struct {
	Enabled bool   // recovery codes are in use: show the status
	SetUp   bool   // the user has a recovery code
	Help    string // overrides the default sentence on what to do
	// Create, when set, offers to create a recovery code now (a backend that issues them on
	// request, for a user with a method and no code): a POST form with one button.
	Create *Form
}

// EnrollChoice is one way to add a method on the list page.
type EnrollChoice struct {
	Kind        Kind
	Label       string // overrides the kind's default label
	Description string // overrides the kind's default description
	// Start begins the enrollment: a POST form (its button is labelled "Set up" unless
	// Start.Label says otherwise) or a link.
	Start Action
}

// ListPage is the overview: enrolled methods, recovery-code status, ways to add a method.
type ListPage struct {
	Meta     PageMeta
	Flash    Flash
	Groups   []FactorGroup
	Recovery RecoveryStatus
	// Add lists the enabled kinds the user can add. They are shown in a fixed order:
	// authenticator app (recommended) first, email (the weaker choice) last.
	Add []EnrollChoice
	// Continue, when set, is a way back to where the user was sent from ("Continue where you
	// were", after a policy required a second factor), shown above the methods.
	Continue Action
	// SignOutOthers, when set, offers to sign out the user's other sessions after a change of
	// their sign-in methods (ASVS 7.4.3). The form's submit buttons send decision=sign_out or
	// decision=keep.
	SignOutOthers *Form
}

// QR is a QR code to show. Content is encoded on the server with internal/qrsvg; SVG, when
// set, is rendered instead (it is a component, so it is trusted markup by construction, e.g.
// templ.Raw of qrsvg.Encode's output).
type QR struct {
	Content string          // what to encode, e.g. an otpauth:// URI
	Label   string          // accessible name; default "QR code"
	SVG     templ.Component // optional pre-rendered <svg>
}

// CodeInput is a one-time-code input: 6 digits, numeric keyboard, autocomplete="one-time-code".
type CodeInput struct {
	ID    string // input id (default "mfa-code")
	Name  string // form field name (default "code")
	Label string // default "6-digit code"
	Hint  string // optional help under the label
	Error string // the rejection message; sets aria-invalid and aria-describedby
	// Autofocus focuses the field on load. It is also focused when Error is set.
	Autofocus bool
}

// TOTPPage shows the authenticator-app setup: scan or type the key, then confirm with a code.
type TOTPPage struct {
	Meta    PageMeta
	Flash   Flash
	QR      QR     // the otpauth:// URI as a QR code
	Secret  string // the base32 key, shown in groups of 4 for manual entry
	Issuer  string // optional, shown with the manual-entry details
	Account string // optional, shown with the manual-entry details
	Confirm Form   // submits the code (field "code")
	Code    CodeInput
	Cancel  Action // default label "Cancel"
}

// PhonePage asks for a phone number for text messages or voice calls (field "phone_number").
type PhonePage struct {
	Meta    PageMeta
	Flash   Flash
	Kind    Kind   // KindSMS or KindVoice: the wording of the page
	Form    Form   // submits the number
	Phone   string // the value to show again after a rejection
	Error   string // the rejection message, tied to the field
	Example string // example number in the hint (default "+14155550123")
	Cancel  Action
}

// EmailPage asks for an email address (field "email") and says email is the weaker choice.
type EmailPage struct {
	Meta   PageMeta
	Flash  Flash
	Form   Form
	Email  string // the value to show again after a rejection
	Error  string
	Cancel Action
}

// Resend is the "send a new code" control of the code page.
type Resend struct {
	Form Form // empty: no resend control
	// Remaining is how many more codes may be sent; shown as "(2 left)". Negative: unknown,
	// not shown. Zero: the button is replaced by a sentence saying no more can be sent.
	Remaining int
	// Wait, when positive, is how long until another code may be sent; the button is shown
	// disabled with the time.
	Wait time.Duration
}

// CodePage asks for the 6-digit code sent by text message, voice call or email.
type CodePage struct {
	Meta        PageMeta
	Flash       Flash
	Kind        Kind   // KindSMS, KindVoice or KindEmail: the wording
	Destination string // masked phone number or address, e.g. "+1 ••• ••• 4567"
	// ExpiresIn, when positive, is how long the code stays valid ("The code expires in 5
	// minutes.").
	ExpiresIn time.Duration
	Confirm   Form // submits the code (field "code")
	Code      CodeInput
	Resend    Resend
	Cancel    Action
}

// PushState is where the Guardian (push) enrollment stands.
type PushState string

// Push states. Only PushWaiting refreshes itself.
const (
	PushWaiting  PushState = "waiting"  // QR shown; waiting for the app
	PushApproved PushState = "approved" // the app confirmed: done
	PushRejected PushState = "rejected" // the request was denied in the app
	PushExpired  PushState = "expired"  // the enrollment ran out of time
)

// PushPage shows the Auth0 Guardian enrollment. While waiting, the page reloads itself every
// RefreshSeconds from RefreshURL with <meta http-equiv="refresh"> (no JavaScript), and offers a
// "Check now" link to the same URL.
type PushPage struct {
	Meta           PageMeta
	Flash          Flash
	State          PushState // empty means PushWaiting
	QR             QR        // the Guardian enrollment URI
	RefreshSeconds int       // waiting only; 0 disables the automatic refresh
	// RefreshURL is the poll URL. It must be a same-origin path ("/…"); anything else is not
	// put into the refresh (the page then reloads itself) nor linked.
	RefreshURL templ.SafeURL
	// Next is the way on from an end state: "Continue" after approval, "Try again" after a
	// rejection or expiry.
	Next   Action
	Cancel Action // waiting only
}

// NoCodeReason says why RecoveryCodePage has no code to show.
type NoCodeReason string

// Reasons for the no-code variant of RecoveryCodePage.
const (
	// NoCodeDisabled: recovery codes are not used for this tenant.
	NoCodeDisabled NoCodeReason = "disabled"
	// NoCodeEarlier: Auth0 returns the code only with the first enrollment, and an earlier,
	// unfinished enrollment received it.
	NoCodeEarlier NoCodeReason = "earlier"
	// NoCodeLater: Auth0's per-user limit on changes refused the code just now; the list
	// page's RecoveryStatus.Create makes it later.
	NoCodeLater NoCodeReason = "later"
)

// RecoveryCodePage shows the recovery code exactly once, with copy, print and download, and a
// required "I have saved it" confirmation (checkbox "saved", value "yes").
type RecoveryCodePage struct {
	Meta  PageMeta
	Flash Flash
	// Code is the recovery code. Empty: the no-code variant (see Reason).
	Code string
	// Reason selects the no-code message.
	Reason NoCodeReason
	// Message overrides the no-code message.
	Message string
	// FileName is the download's file name (default "recovery-code.txt").
	FileName string
	// Saved is the confirmation form. In the no-code variant its button says "Continue".
	Saved Form
}

// RemovePage confirms a removal, or explains why it is refused.
type RemovePage struct {
	Meta  PageMeta
	Flash Flash
	Group FactorGroup // what will be removed; all its Kinds go together
	// Blocked: the last-factor guard refuses. The page shows BlockedMessage and Cancel only.
	Blocked        bool
	BlockedMessage string // default: "This is your only … Add another method first …"
	Confirm        Form   // the removal POST; the group's ID is added as hidden field "id"
	Cancel         Action // default label "Cancel" ("Back" when blocked)
}

// RenamePage names a method: one text field (what the user calls it, e.g. "Work phone").
type RenamePage struct {
	Meta   PageMeta
	Flash  Flash
	Group  FactorGroup // the method, shown above the field
	Form   Form        // the POST; its Fields carry the method's id
	Name   string      // the field's value: the current name or what was entered
	Error  string      // why the entered name was refused
	Cancel Action      // default label "Cancel"
}

// StepUpPage is said before the step-up login when the host's own login passed a second
// factor moments ago: Auth0 asks again, and a code works once.
type StepUpPage struct {
	Meta     PageMeta
	Continue Action // the step-up login; default label "Continue"
}

// ErrorPage is a plain error: what happened and what to do next, never technical details.
type ErrorPage struct {
	Meta    PageMeta
	Status  int    // HTTP status; shown small above the heading when non-zero
	Title   string // heading; default "Something went wrong"
	Message string // a plain sentence
	// Next is the way on. Zero: a link to BasePath labelled "Back to two-step verification".
	Next Action
}
