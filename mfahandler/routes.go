package mfahandler

import (
	"net/http"
	"net/url"
	"strings"
)

// routes registers full paths under the base path on an internal mux, so the handler works
// mounted on the standard mux or chi without http.StripPrefix.
//
//	GET  {base}/                      list the user's factors
//	GET  {base}/login                 start the step-up login (?return= a path under base)
//	GET  {base}/callback              finish the step-up login (named exception: completes a step)
//	GET  {base}/enroll/{factor}       the form (phone, email) or the enrollment in progress (totp, push)
//	POST {base}/enroll/{factor}       start an enrollment (/mfa/associate)
//	GET  {base}/enroll/code           enter the code sent by SMS, voice or email
//	POST {base}/enroll/confirm        confirm with the code (mfa-otp or mfa-oob)
//	POST {base}/enroll/resend         send a new code (a new associate)
//	POST {base}/enroll/cancel         abandon the enrollment in progress
//	GET  {base}/enroll/push/status    poll the push enrollment (named exception: completes a step)
//	GET  {base}/recovery-code         show the recovery code once
//	POST {base}/recovery-code         "I have saved it"
//	POST {base}/recovery-code/new     create a recovery code (My Account: the user has a method, no code)
//	GET  {base}/remove?id=            confirm a removal
//	POST {base}/remove                remove (DELETE /mfa/authenticators/{id})
//	GET  {base}/action?id=|return=    after the step-up of RequireRecentMFA: confirm the held host action, or back to the host page
//	POST {base}/nudge/dismiss         "Remind me later" (WithPolicy's Nudge)
//	POST {base}/sessions/others       sign out the user's other sessions, or keep them (WithSignOutOtherSessions)
//	GET  {base}/static/…              embedded stylesheet and script
func (h *Handler) routes() {
	b := h.opts.basePath
	m := http.NewServeMux()
	m.Handle("GET "+b+"/{$}", h.page(h.listPage))
	m.Handle("GET "+b+"/login", h.page(h.loginPage))
	m.Handle("GET "+b+"/callback", h.page(h.callback))
	m.Handle("GET "+b+"/enroll/code", h.page(h.codePage))
	m.Handle("POST "+b+"/enroll/confirm", h.page(h.confirm))
	m.Handle("POST "+b+"/enroll/resend", h.page(h.resend))
	m.Handle("POST "+b+"/enroll/cancel", h.page(h.cancel))
	m.Handle("GET "+b+"/enroll/push/status", h.page(h.pushStatus))
	m.Handle("GET "+b+"/enroll/{factor}", h.page(h.enrollForm))
	m.Handle("POST "+b+"/enroll/{factor}", h.page(h.enrollStart))
	m.Handle("GET "+b+"/recovery-code", h.page(h.recoveryPage))
	m.Handle("POST "+b+"/recovery-code", h.page(h.recoveryAck))
	m.Handle("POST "+b+"/recovery-code/new", h.page(h.recoveryCreate))
	m.Handle("GET "+b+"/remove", h.page(h.removePage))
	m.Handle("POST "+b+"/remove", h.page(h.remove))
	m.Handle("GET "+b+"/rename", h.page(h.renamePage))
	m.Handle("POST "+b+"/rename", h.page(h.rename))
	m.Handle("POST "+b+"/channel", h.page(h.setChannel))
	m.Handle("POST "+b+"/sessions/others", h.page(h.signOutOthers))
	m.Handle("POST "+b+"/nudge/dismiss", h.page(h.nudgeDismiss))
	m.Handle("GET "+b+"/action", h.page(h.actionPage))
	// POST-only steps answer 405 to GET instead of falling into GET {base}/enroll/{factor}.
	for _, p := range []string{"/enroll/confirm", "/enroll/resend", "/enroll/cancel"} {
		m.Handle("GET "+b+p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.methodNotAllowed(w, r, "POST")
		}))
	}
	m.Handle(b+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allow := h.allowedMethods(r); allow != "" {
			h.methodNotAllowed(w, r, allow)
			return
		}
		h.fail(w, r, &Failure{Status: http.StatusNotFound, Title: "Page not found", Message: "This page does not exist."})
	}))
	h.mux = m
}

// allowedMethods lists the methods a known path accepts ("" for an unknown path), so that a
// wrong method on a known path answers 405 with Allow instead of 404.
func (h *Handler) allowedMethods(r *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != h.opts.basePath+"/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	return strings.Join(allow, ", ")
}

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	h.fail(w, r, &Failure{Status: http.StatusMethodNotAllowed, Title: "Not allowed",
		Message: "This page can't be used that way. Nothing was changed."})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
