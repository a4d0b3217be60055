package views

import (
	"context"
	"slices"
	"strings"

	"github.com/a-h/templ"
)

// classAttrs is every element's class attribute, built once from a Classes value. The pages
// spread them ({ k.text... }) instead of writing class={ … }: templ builds a class attribute
// through two maps and a join per element, about ten allocations, which made up most of the
// list page's cost over a hand-written page with the same markup (issue 8). A spread attribute
// costs one.
//
// Each field holds an interface value, so passing it to templ boxes nothing.
type classAttrs struct {
	src Classes // the value the attributes were built from, with built unset

	body, skipLink, nav, main, link, otpauthLink              templ.Attributer
	page, header, title, lead, eyebrow                        templ.Attributer
	section, sectionPrintable, sectionNoPrint                 templ.Attributer
	sectionTitle, text, note, steps, step, stepTitle          templ.Attributer
	actions, actionsNoPrint, badgeRecommended, badgeWeak      templ.Attributer
	empty, choices, choice, table, factorName, factorMeta     templ.Attributer
	status, statusOK, statusBad, statusNeutral, statusWaiting templ.Attributer
	visuallyHidden, qr, secret, code, meta                    templ.Attributer
	btnPrimary, btnSecondary, btnDanger, btnCopy, btnPrint    templ.Attributer
	form, field, label, hint, fieldError, checkbox            templ.Attributer
	input, inputInvalid, codeInput, codeInputInvalid          templ.Attributer
	flashSuccess, flashError, flashInfo, flashWarning         templ.Attributer
	nudge                                                     templ.Attributer
	icons                                                     map[string]templ.Attributer
	// svgs is each icon of iconNames rendered once: the icons carry no data, so a page
	// writes the prepared markup instead of running the icon component (a component call,
	// an element buffer and the class attribute each time).
	svgs map[string]templ.Component
}

// iconNames are the icons the icon component draws; each gets its class attribute built once.
var iconNames = [...]string{"check", "alert", "info", "app", "sms", "voice", "push", "email",
	"key", "shield", "copy", "print", "download", "clock"}

// Prepared returns c with every element's class attribute built once, so that pages rendered
// with it build none per element. mfahandler.New prepares the classes it is given; a host that
// renders the views itself can prepare its Classes once too. Prepared is an optimisation only:
// an unprepared Classes renders the same markup, and a field changed on a prepared copy is
// noticed (its attributes are rebuilt for each page then, not reused stale).
func (c Classes) Prepared() Classes {
	c.built = buildClassAttrs(c)
	return c
}

// attrs returns the prepared attributes when they were built from exactly c, and builds them
// otherwise.
func (c Classes) attrs() *classAttrs {
	if k := c.built; k != nil {
		c.built = nil
		if k.src == c {
			return k
		}
	}
	return buildClassAttrs(c)
}

// classes returns the Classes value k was built from, prepared, for the exported parts that
// take a Classes.
func (k *classAttrs) classes() Classes {
	c := k.src
	c.built = k
	return c
}

func buildClassAttrs(c Classes) *classAttrs {
	c.built = nil
	a := func(names ...string) templ.Attributer {
		return templ.OrderedAttributes{{Key: "class", Value: classList(names...)}}
	}
	btn := func(variant, extra string, more ...string) templ.Attributer {
		return a(append([]string{"mfa-btn", c.Button, "mfa-btn-" + variant, extra}, more...)...)
	}
	status := func(variant string) templ.Attributer { return a("mfa-status", c.Status, variant) }
	k := &classAttrs{
		src:  c,
		body: a("mfa-body", c.Body), skipLink: a("mfa-skip-link", c.SkipLink),
		nav: a("mfa-nav", c.Nav), main: a("mfa-main", c.Main), link: a("mfa-link", c.Link),
		otpauthLink: a("mfa-link", c.Link, "mfa-otpauth-link"),
		page:        a("mfa-page", c.Page), header: a("mfa-header", c.Header),
		title: a("mfa-title", c.Title), lead: a("mfa-lead", c.Lead),
		eyebrow:          a("mfa-eyebrow", c.Eyebrow),
		section:          a("mfa-section", c.Section),
		sectionPrintable: a("mfa-section", c.Section, "mfa-printable", c.Print),
		sectionNoPrint:   a("mfa-section", c.Section, "mfa-no-print"),
		sectionTitle:     a("mfa-section-title", c.SectionTitle), text: a("mfa-text", c.Text),
		note: a("mfa-note", c.Note), steps: a("mfa-steps", c.Steps), step: a("mfa-step", c.Step),
		stepTitle: a("mfa-step-title", c.StepTitle), actions: a("mfa-actions", c.Actions),
		actionsNoPrint:   a("mfa-actions", c.Actions, "mfa-no-print"),
		badgeRecommended: a("mfa-badge", c.Badge, "mfa-badge-recommended"),
		badgeWeak:        a("mfa-badge", c.Badge, "mfa-badge-weak"),
		empty:            a("mfa-empty", c.Empty), choices: a("mfa-choices", c.Choices),
		choice: a("mfa-choice", c.Choice), table: a("mfa-table", c.Table),
		factorName: a("mfa-factor-name", c.FactorName), factorMeta: a("mfa-factor-meta", c.FactorMeta),
		status: a("mfa-status", c.Status), statusOK: status("mfa-status-ok"),
		statusBad: status("mfa-status-bad"), statusNeutral: status("mfa-status-neutral"),
		statusWaiting:  status("mfa-status-waiting"),
		visuallyHidden: a("mfa-visually-hidden", c.VisuallyHidden), qr: a("mfa-qr", c.QR),
		secret: a("mfa-secret", c.Secret), code: a("mfa-recovery-code", c.Code),
		meta:       a("mfa-details", c.Meta),
		btnPrimary: btn("primary", c.ButtonPrimary), btnSecondary: btn("secondary", c.ButtonSecondary),
		btnDanger: btn("danger", c.ButtonDanger),
		btnCopy:   btn("secondary", c.ButtonSecondary, "mfa-copy", c.CopyButton),
		btnPrint:  btn("secondary", c.ButtonSecondary, "mfa-print", c.PrintButton),
		form:      a("mfa-form", c.Form), field: a("mfa-field", c.Field), label: a("mfa-label", c.Label),
		hint: a("mfa-hint", c.Hint), fieldError: a("mfa-field-error", c.FieldError),
		checkbox: a("mfa-checkbox", c.Checkbox),
		input:    a("mfa-input", c.Input), inputInvalid: a("mfa-input", c.Input, "mfa-input-invalid", c.InputInvalid),
		codeInput:        a("mfa-input", c.Input, "mfa-input-code", c.CodeInput),
		codeInputInvalid: a("mfa-input", c.Input, "mfa-input-code", c.CodeInput, "mfa-input-invalid", c.InputInvalid),
		nudge:            a("mfa-nudge", c.Nudge),
		flashSuccess:     a("mfa-flash", c.Flash, "mfa-flash-success", c.FlashSuccess),
		flashError:       a("mfa-flash", c.Flash, "mfa-flash-error", c.FlashError),
		flashInfo:        a("mfa-flash", c.Flash, "mfa-flash-info", c.FlashInfo),
		flashWarning:     a("mfa-flash", c.Flash, "mfa-flash-info", c.FlashInfo, "mfa-warning"),
		icons:            make(map[string]templ.Attributer, len(iconNames)),
	}
	for _, name := range iconNames {
		k.icons[name] = a("mfa-icon", c.Icon, "mfa-icon-"+name)
	}
	k.svgs = make(map[string]templ.Component, len(iconNames))
	for _, name := range iconNames {
		var b strings.Builder
		if err := icon(k, name).Render(context.Background(), &b); err == nil {
			k.svgs[name] = templ.Raw(b.String()) // selfmfa's own markup, escaped as it was rendered
		}
	}
	return k
}

// svg is the named icon: the prepared markup, or the icon component for a name without it.
func (k *classAttrs) svg(name string) templ.Component {
	if c, ok := k.svgs[name]; ok {
		return c
	}
	return icon(k, name)
}

// classList joins the non-empty names with single spaces, each once, in order, as templ's
// class attribute did: a host's extra is trimmed, and one that repeats a name already given is
// left out.
func classList(names ...string) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

// button is the attribute of a button of the given variant ("primary", "secondary", "danger").
func (k *classAttrs) button(variant string) templ.Attributer {
	switch variant {
	case "primary":
		return k.btnPrimary
	case "danger":
		return k.btnDanger
	}
	return k.btnSecondary
}

// icon is the attribute of the named icon.
func (k *classAttrs) icon(name string) templ.Attributer {
	if a, ok := k.icons[name]; ok {
		return a
	}
	return templ.OrderedAttributes{{Key: "class", Value: classList("mfa-icon", k.src.Icon, "mfa-icon-"+name)}}
}

func (k *classAttrs) flash(f Flash) templ.Attributer {
	switch f.kind() {
	case FlashSuccess:
		return k.flashSuccess
	case FlashError:
		return k.flashError
	}
	return k.flashInfo
}

func (k *classAttrs) codeInputFor(err string) templ.Attributer {
	if err != "" {
		return k.codeInputInvalid
	}
	return k.codeInput
}

func (k *classAttrs) inputFor(err string) templ.Attributer {
	if err != "" {
		return k.inputInvalid
	}
	return k.input
}

// recoveryStatus: a missing code is a problem once the user has a factor to lose.
func (k *classAttrs) recoveryStatus(r RecoveryStatus, hasFactors bool) templ.Attributer {
	switch {
	case r.SetUp:
		return k.statusOK
	case hasFactors:
		return k.statusBad
	}
	return k.statusNeutral
}
