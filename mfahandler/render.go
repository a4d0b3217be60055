package mfahandler

import (
	"context"
	"html"
	"io"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/internal/phone"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/views"
)

func safeURL(s string) templ.SafeURL { return templ.SafeURL(s) }

// meta is the PageMeta of every page.
func (h *Handler) meta(r *http.Request, title string, head templ.Component) views.PageMeta {
	m := views.PageMeta{
		Title:    title,
		BasePath: h.opts.basePath,
		Classes:  h.classes,
		Layout:   h.layout,
	}
	if h.cssURL != "" {
		m.StylesheetURL = safeURL(h.cssURL)
	}
	m.ScriptURL = safeURL(h.jsURL)
	return m.WithHead(head)
}

// hiddenFields renders the host's form fields (WithFormFields) and selfmfa's own hidden inputs.
func (h *Handler) hiddenFields(r *http.Request, kv ...string) templ.Component {
	var host templ.Component
	if h.opts.formFields != nil {
		host = h.opts.formFields(r)
	}
	return hostAndHidden(host, kv...)
}

// hiddenInputs renders only the name/value pairs kv as hidden inputs.
func hiddenInputs(kv ...string) templ.Component { return hostAndHidden(nil, kv...) }

func hostAndHidden(host templ.Component, kv ...string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if host != nil {
			if err := host.Render(ctx, w); err != nil {
				return err
			}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if _, err := io.WriteString(w, `<input type="hidden" name="`+html.EscapeString(kv[i])+`" value="`+html.EscapeString(kv[i+1])+`">`); err != nil {
				return err
			}
		}
		return nil
	})
}

func (h *Handler) form(r *http.Request, path string, kv ...string) views.Form {
	return views.Form{Action: safeURL(h.path(path)), Method: "post", Fields: h.hiddenFields(r, kv...)}
}

func (h *Handler) formPtr(r *http.Request, path string, kv ...string) *views.Form {
	f := h.form(r, path, kv...)
	return &f
}

func toFlash(f flashRecord) views.Flash {
	return views.Flash{Kind: views.FlashKind(f.Kind), Message: f.Message}
}

func groupKinds(g enroll.Method) []views.Kind {
	switch g.Group {
	case "phone":
		ks := make([]views.Kind, 0, len(g.Channels))
		for _, c := range g.Channels {
			ks = append(ks, views.Kind(c))
		}
		return ks
	case "push":
		return []views.Kind{views.KindPush}
	}
	return []views.Kind{views.Kind(g.Group)}
}

func (h *Handler) viewGroup(r *http.Request, g enroll.Method, removable bool) views.FactorGroup {
	vg := views.FactorGroup{ID: g.IDs[0], Kinds: groupKinds(g), Name: g.Name}
	if g.Group == "phone" {
		vg.Name = phone.Readable(g.Name) // Auth0's "XXXXXXXX0123" as people write it: "•••• 0123"
	}
	switch {
	case g.Label != "" && vg.Name != "":
		vg.Name = g.Label + " (" + vg.Name + ")" // the user's own name for it (My Account API)
	case g.Label != "":
		vg.Name = g.Label
	}
	if g.MaybeCompanion {
		vg.RemoveNote = h.t(r, mMaybeCompanion)
	}
	if g.CreatedAt != nil {
		vg.CreatedAt = *g.CreatedAt
	}
	if g.LastUsed != nil {
		vg.LastUsed, vg.Now = *g.LastUsed, h.opts.now()
	}
	switch {
	case g.Fixed:
		vg.Fixed = h.t(r, mVerifiedEmailRow)
	case removable:
		vg.RemoveURL = views.RemoveHref(h.opts.basePath, g.IDs[0])
	}
	if removable && h.opts.myAccount {
		// The My Account API names methods and switches a phone's channel.
		vg.RenameURL = safeURL(h.placeURL(enroll.Place{Kind: enroll.AtRename, ID: g.IDs[0]}))
		if g.Group == "phone" && h.enabled(FactorSMS) && h.enabled(FactorVoice) {
			to := "voice"
			if g.Preferred == "voice" {
				to = "sms"
			}
			vg.Channel = &views.ChannelSwitch{Form: h.form(r, "/channel", "id", g.IDs[0], "channel", to), To: views.Kind(to)}
		}
	}
	return vg
}

func (h *Handler) renderList(w http.ResponseWriter, r *request, inv *enroll.Inventory, fl flashRecord) error {
	page := views.ListPage{Meta: h.meta(r.Request, "", nil), Flash: toFlash(fl),
		Groups: make([]views.FactorGroup, 0, len(inv.Methods)), Add: make([]views.EnrollChoice, 0, len(enroll.Specs()))}
	for _, g := range inv.Methods {
		page.Groups = append(page.Groups, h.viewGroup(r.Request, g, true))
	}
	page.Recovery = views.RecoveryStatus{Enabled: inv.RecoveryActive || len(inv.Methods) > 0, SetUp: inv.RecoveryActive}
	if h.opts.statusMaxAge > 0 {
		h.recordStatus(r.Request, r.sub, inv)
		page.Continue = h.resumeAction(w, r.Request, decodeStatus(encodeStatus(inv), time.Time{}).Count > 0)
	}
	if h.svc.CanCreateRecoveryCode(inv) {
		create := h.form(r.Request, "/recovery-code/new")
		page.Recovery.Create = &create
	}
	tenant, known := h.tenantFactors(w, r)
	for _, s := range enroll.Specs() {
		if !h.enabled(Factor(s.Factor)) || (known && !tenant[s.Factor]) {
			continue
		}
		c := views.EnrollChoice{Kind: views.Kind(s.Factor)}
		start := h.enrollPaths[s.Factor] // {base}/enroll/{factor}
		if s.Destination == enroll.NoDestination {
			f := views.Form{Action: safeURL(start), Method: "post", Fields: h.hiddenFields(r.Request)}
			c.Start = views.Action{Form: &f}
		} else {
			c.Start = views.Action{Href: safeURL(start)}
		}
		page.Add = append(page.Add, c)
	}
	if h.signOutOffered(r) {
		page.SignOutOthers = h.formPtr(r.Request, "/sessions/others")
	}
	return h.render(w, r.Request, http.StatusOK, h.views.List(page))
}

func (h *Handler) cancelAction(r *request, p *enroll.Pending) views.Action {
	if p == nil {
		return views.Action{Href: safeURL(h.path("/"))}
	}
	return views.Action{Form: h.formPtr(r.Request, "/enroll/cancel", "enrollment", p.ID)}
}

func (h *Handler) renderTOTP(w http.ResponseWriter, r *request, p *enroll.Pending) error {
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	page := views.TOTPPage{
		Meta:    h.meta(r.Request, "", nil),
		QR:      views.QR{Content: p.BarcodeURI, Label: h.t(r.Request, lQRApp)},
		Secret:  p.Secret,
		Confirm: h.form(r.Request, "/enroll/confirm", "enrollment", p.ID),
		// No autofocus: focusing the code field on load scrolls past the title and the QR code
		// the user needs first. The field is focused after a wrong code (CodeInput.Error).
		Cancel: h.cancelAction(r, p),
	}
	if fl.Field == "code" {
		page.Code.Error = fl.Message
	} else {
		page.Flash = toFlash(fl)
	}
	return h.render(w, r.Request, http.StatusOK, h.views.TOTP(page))
}

func (h *Handler) renderDestinationForm(w http.ResponseWriter, r *request, f enroll.Factor, fl flashRecord) error {
	meta := h.meta(r.Request, "", nil)
	form := h.form(r.Request, "/enroll/"+string(f))
	cancel := views.Action{Href: safeURL(h.path("/"))}
	if f == enroll.Email {
		page := views.EmailPage{Meta: meta, Form: form, Cancel: cancel}
		if fl.Field == "email" {
			page.Email, page.Error = fl.Value, fl.Message
		} else {
			page.Flash = toFlash(fl)
		}
		return h.render(w, r.Request, http.StatusOK, h.views.Email(page))
	}
	page := views.PhonePage{Meta: meta, Kind: views.Kind(f), Form: form, Cancel: cancel}
	if fl.Field == "phone_number" {
		page.Phone, page.Error = fl.Value, fl.Message
	} else {
		page.Flash = toFlash(fl)
	}
	return h.render(w, r.Request, http.StatusOK, h.views.Phone(page))
}

// maskDestination shows where a code went without revealing the whole number or address.
func (h *Handler) maskDestination(r *http.Request, f enroll.Factor, dest string) string {
	if f == enroll.Email {
		at := -1
		for i := len(dest) - 1; i >= 0; i-- {
			if dest[i] == '@' {
				at = i
				break
			}
		}
		if at <= 0 {
			return h.t(r, lYourEmail)
		}
		return dest[:1] + "•••" + dest[at:]
	}
	if l4 := phone.Last4(dest); l4 != "" {
		return h.t(r, lNumberEnding, a("Last4", l4))
	}
	return h.t(r, lYourPhone)
}

func (h *Handler) renderCode(w http.ResponseWriter, r *request, p *enroll.Pending, fl flashRecord) error {
	page := views.CodePage{
		Meta:        h.meta(r.Request, "", nil),
		Kind:        views.Kind(p.Factor),
		Destination: h.maskDestination(r.Request, p.Factor, p.Destination),
		Confirm:     h.form(r.Request, "/enroll/confirm", "enrollment", p.ID),
		Code:        views.CodeInput{Autofocus: true},
		Resend: views.Resend{
			Form:      h.form(r.Request, "/enroll/resend", "enrollment", p.ID),
			Remaining: max(0, enroll.MaxSendsPerEnrollment-p.Sends),
		},
		Cancel: h.cancelAction(r, p),
	}
	if left := enroll.OOBCodeLife - h.opts.now().Sub(p.Started); left > 0 {
		page.ExpiresIn = left.Round(time.Minute)
	}
	if fl.Field == "code" {
		page.Code.Error = fl.Message
	} else {
		page.Flash = toFlash(fl)
	}
	return h.render(w, r.Request, http.StatusOK, h.views.Code(page))
}

func (h *Handler) renderPush(w http.ResponseWriter, r *request, p *enroll.Pending, state string) error {
	page := views.PushPage{
		Meta:  h.meta(r.Request, "", nil),
		State: views.PushState(state),
		QR:    views.QR{Content: p.BarcodeURI, Label: h.t(r.Request, lQRGuardian)},
	}
	switch page.State {
	case views.PushWaiting:
		page.RefreshSeconds = int(enroll.PushPollInterval / time.Second)
		page.RefreshURL = safeURL(h.path("/enroll/push/status"))
		page.Cancel = h.cancelAction(r, p)
	default:
		page.QR = views.QR{}
		page.Next = views.Action{Label: h.t(r.Request, lTryAgain), Href: safeURL(h.path("/"))}
	}
	return h.render(w, r.Request, http.StatusOK, h.views.Push(page))
}

func (h *Handler) recoveryComponent(r *request, rec enroll.RecoveryDisplay) templ.Component {
	page := views.RecoveryCodePage{
		Meta: h.meta(r.Request, "", nil),
		Code: rec.Code,
		// The method's name for the sentence after the page (recoveryAck names it only if it
		// is one of the factor table's).
		Saved: h.form(r.Request, "/recovery-code", "factor", string(rec.Factor)),
	}
	if !rec.Issued {
		switch rec.Reason {
		case "earlier":
			page.Reason = views.NoCodeEarlier
		case "disabled":
			page.Reason = views.NoCodeDisabled
		case enroll.NoCodeLater:
			page.Reason = views.NoCodeLater
			page.Message = h.t(r.Request, mRecoveryLater, a("Wait", h.waitText(r.Request, rec.Wait)))
		case enroll.NoCodeFailed:
			page.Reason = views.NoCodeLater
			page.Message = h.t(r.Request, mRecoveryFailed)
		}
	}
	return h.views.RecoveryCode(page)
}

func (h *Handler) renderRemove(w http.ResponseWriter, r *request, g enroll.Method, id string, blocked bool) error {
	page := views.RemovePage{
		Meta:    h.meta(r.Request, "", nil),
		Group:   h.viewGroup(r.Request, g, false),
		Blocked: blocked || g.Fixed,
		Confirm: h.form(r.Request, "/remove"),
		Cancel:  views.Action{Href: safeURL(h.path("/"))},
	}
	page.Group.ID = id
	if g.Fixed {
		page.BlockedMessage = h.t(r.Request, mVerifiedEmail)
	}
	return h.render(w, r.Request, http.StatusOK, h.views.Remove(page))
}
