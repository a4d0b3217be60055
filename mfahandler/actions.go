package mfahandler

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/selfmfa/selfmfa/views"
)

// actionField names the held action in the confirmation form's POST to the host route.
const actionField = "mfa_action"

// actionTTL is how long a held host action can be confirmed: the step-up's recent sign-in.
const actionTTL = 10 * time.Minute

// heldAction is a host POST that RequireRecentMFA keeps in the session across the step-up.
type heldAction struct {
	ID       string     `json:"id"`
	Sub      string     `json:"sub"`  // whose action: another user of the browser never completes it
	Path     string     `json:"path"` // the host route, with its query
	Form     url.Values `json:"form,omitempty"`
	Describe string     `json:"describe"`
	Created  time.Time  `json:"created"`
}

// RequireRecentMFA protects a host route whose action needs a recent second factor (a payout,
// an email change): describe names it for the confirmation page ("Change your email address").
// With a step-up within WithMaxAge that passed a second factor, next serves at once. Otherwise
// a GET goes through the step-up and back to the route; a POST is held in the session (its
// form, up to the handler's form bound; no file uploads), the user goes through the step-up to
// a page that says what they were doing, and its Continue sends the same form to the route
// again, completed exactly once — a second submission of it (a double click, the back
// button, a stale copy of the session) is refused. Never a silent replay.
func (h *Handler) RequireRecentMFA(describe string, next http.Handler) http.Handler {
	page := h.page(func(w http.ResponseWriter, r *request) error {
		tok, err := h.requireToken(r, 0, "")
		if err != nil && !errors.As(err, new(*stepUpNeeded)) {
			return err
		}
		recent := err == nil && tok.MFA
		if id := r.PostFormValue(actionField); r.Method == http.MethodPost && id != "" && recent {
			return h.completeAction(w, r, id, next)
		}
		if recent {
			next.ServeHTTP(w, r.Request)
			return nil
		}
		path, ok := localPath(r.URL.RequestURI())
		if !ok {
			return h.failure(r.Request, http.StatusBadRequest, tWentWrong, mPageFailed, nil)
		}
		if r.Method != http.MethodPost {
			return &stepUpNeeded{resume: h.path("/action?return=" + url.QueryEscape(path)), reason: "a host page needs a recent second factor"}
		}
		form := url.Values{}
		for k, vs := range r.PostForm {
			if k != actionField {
				form[k] = vs
			}
		}
		a := heldAction{ID: newActionID(), Sub: r.sub, Path: path, Form: form, Describe: describe, Created: h.opts.now()}
		if err := h.save(w, r.Request, keyAction, a); err != nil {
			return err
		}
		return &stepUpNeeded{resume: h.path("/action?id=" + a.ID), reason: "a host action needs a recent second factor"}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.refusedCrossOrigin(w, r) { // a payout from another site is never held
			return
		}
		page.ServeHTTP(w, r)
	})
}

// completeAction serves the confirmed held action once.
func (h *Handler) completeAction(w http.ResponseWriter, r *request, id string, next http.Handler) error {
	var a heldAction
	if err := h.load(r.Request, keyAction, &a); err != nil && !errors.Is(err, errNoRecord) {
		return err
	}
	path, _ := localPath(r.URL.RequestURI())
	first, err := h.svc.Ledger.ActionOnce(r.Context(), id, 2*actionTTL)
	if err != nil {
		return h.unavailable(r.Request, mCheckUnavailable, err)
	}
	if !first || a.ID != id || a.Sub != r.sub || a.Path != path || h.opts.now().Sub(a.Created) > actionTTL {
		return h.failure(r.Request, http.StatusConflict, tActionDone, mActionDone, nil).withNext(h.t(r.Request, lHome), "/")
	}
	_ = h.drop(w, r.Request, keyAction)
	r.PostForm.Del(actionField)
	r.Form.Del(actionField)
	next.ServeHTTP(w, r.Request)
	return nil
}

// actionPage is where the step-up comes back to: GET {base}/action?id= shows the held action
// with Continue (a form to the host route); GET {base}/action?return= resumes a host page.
func (h *Handler) actionPage(w http.ResponseWriter, r *request) error {
	q := r.URL.Query()
	resume := h.path("/action?" + q.Encode())
	tok, err := h.requireToken(r, 0, resume)
	if err != nil {
		return err
	}
	if !tok.MFA { // no second factor to pass: the user has none yet
		_ = h.flash(w, r.Request, "info", mActionNeedsFactor)
		return seeOther(w, h.path("/"))
	}
	if q.Has("return") {
		p, ok := localPath(q.Get("return"))
		if !ok {
			p = "/"
		}
		return seeOther(w, p)
	}
	var a heldAction
	if err := h.load(r.Request, keyAction, &a); err != nil || a.ID != q.Get("id") || a.Sub != r.sub || h.opts.now().Sub(a.Created) > actionTTL {
		if err != nil && !errors.Is(err, errNoRecord) {
			return err
		}
		return h.failure(r.Request, http.StatusNotFound, tActionGone, mActionGone, nil).withNext(h.t(r.Request, lHome), "/")
	}
	kv := make([]string, 0, 2*len(a.Form)+2)
	for k, vs := range a.Form {
		for _, v := range vs {
			kv = append(kv, k, v)
		}
	}
	kv = append(kv, actionField, a.ID)
	page := views.ConfirmActionPage{
		Meta:     h.meta(r.Request, "", nil),
		Describe: a.Describe,
		// The held form already carries the host's own fields (WithFormFields, its CSRF token):
		// they are not added a second time, which the host's form check would refuse.
		Continue: views.Form{Action: safeURL(a.Path), Method: "post", Fields: hiddenInputs(kv...)},
		Cancel:   views.Action{Href: "/"},
	}
	return h.render(w, r.Request, http.StatusOK, h.views.ConfirmAction(page))
}

func newActionID() string { return rand.Text() }
