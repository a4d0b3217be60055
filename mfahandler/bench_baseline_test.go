package mfahandler_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/internal/qrsvg"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/views"
)

// baselineHandler is the yardstick of the benchmarks: a minimal but honest hand-written
// net/http + html/template handler for the same two pages, talking to the same tenant through
// the same *http.Client and keeping its state in the same scs session. It does what a careful
// hand-written page would do and nothing more: the signed-in user and the token's owner and
// life are checked, POSTs pass http.CrossOriginProtection and a bounded form parser, pages are
// rendered into a buffer before any byte is sent, the same security headers are set, and the
// session token is renewed after a factor is added. It does not group phone pairs, clean up
// abandoned enrollments (no list call before associate), rate-limit, lock the user, emit
// events or know any other factor than the authenticator app.
type baselineHandler struct {
	sm           *scs.SessionManager
	hc           *http.Client
	tenant       string // "http://127.0.0.1:P"
	clientID     string
	clientSecret string
	cop          *http.CrossOriginProtection
	mux          *http.ServeMux
	listTmpl     *template.Template
	enrollTmpl   *template.Template
	markupTmpl   *template.Template // selfmfa's exact list markup (bench_markup_test.go)
	markupMeTmpl *template.Template // the same on the My Account API (bench_markup_me_test.go)
	base         string             // where it is mounted, e.g. "/baseline"; also its session keys' prefix
	qr           bool               // draw the QR code on the enrollment page (as selfmfa does)
	now          func() time.Time   // the benchmark's clock, shared with the tenant
}

// baselineConfig is what the baseline shares with selfmfa in the benchmark stack.
type baselineConfig struct {
	sm                             *scs.SessionManager
	hc                             *http.Client
	now                            func() time.Time
	tenant, clientID, clientSecret string
}

func newBaselineHandler(c baselineConfig, base string, qr bool) *baselineHandler {
	b := &baselineHandler{
		sm: c.sm, hc: c.hc, tenant: c.tenant, clientID: c.clientID, clientSecret: c.clientSecret, now: c.now,
		cop: http.NewCrossOriginProtection(), base: base, qr: qr,
		// The paths are written into the templates' text, as a hand-written page would have them.
		listTmpl:   template.Must(template.New("list").Parse(strings.ReplaceAll(baselineListHTML, "@BASE@", base))),
		enrollTmpl: template.Must(template.New("enroll").Parse(strings.ReplaceAll(baselineEnrollHTML, "@BASE@", base))),
		markupTmpl: template.Must(template.New("markup").Parse(strings.NewReplacer("@BASE@", base,
			"@CSS@", views.StylesheetFile(), "@JS@", views.ScriptFile()).Replace(baselineMarkupListHTML))),
		markupMeTmpl: template.Must(template.New("markup-me").Parse(strings.NewReplacer("@BASE@", base,
			"@CSS@", views.StylesheetFile(), "@JS@", views.ScriptFile()).Replace(baselineMarkupMeListHTML))),
	}
	m := http.NewServeMux()
	m.HandleFunc("GET "+base+"/{$}", b.list)
	m.HandleFunc("GET "+base+"/same-markup/{$}", b.listMarkup)
	m.HandleFunc("GET "+base+"/same-markup-me/{$}", b.listMarkupMe)
	m.HandleFunc("POST "+base+"/enroll", b.enrollStart)
	m.HandleFunc("GET "+base+"/enroll", b.enrollPage)
	m.HandleFunc("POST "+base+"/confirm", b.confirm)
	b.mux = m
	return b
}

func (b *baselineHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", mfahandler.DefaultContentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Pragma", "no-cache")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method == http.MethodPost {
		if err := b.cop.Check(r); err != nil {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
	}
	b.mux.ServeHTTP(w, r)
}

// baselineToken is the part of selfmfa's session record the baseline reads ("mfa.tok").
type baselineToken struct {
	Sub         string    `json:"sub"`
	AccessToken string    `json:"at"`
	Expiry      time.Time `json:"exp"`
}

type baselinePending struct {
	ID         string    `json:"id"`
	Sub        string    `json:"sub"`
	Secret     string    `json:"secret"`
	BarcodeURI string    `json:"barcode_uri"`
	Started    time.Time `json:"started"`
}

type baselineAuthenticator struct {
	ID                string    `json:"id"`
	AuthenticatorType string    `json:"authenticator_type"`
	OOBChannel        string    `json:"oob_channel"`
	Name              string    `json:"name"`
	Active            bool      `json:"active"`
	CreatedAt         time.Time `json:"created_at"`
}

// user and token: the checks every page makes.
func (b *baselineHandler) user(w http.ResponseWriter, r *http.Request) (string, bool) {
	sub := b.sm.GetString(r.Context(), "user")
	if sub == "" {
		http.Error(w, "sign in", http.StatusUnauthorized)
	}
	return sub, sub != ""
}

func (b *baselineHandler) token(w http.ResponseWriter, r *http.Request, sub string, need time.Duration) (string, bool) {
	var t baselineToken
	raw := b.sm.GetBytes(r.Context(), "mfa.tok")
	if raw == nil || json.Unmarshal(raw, &t) != nil || t.Sub != sub || t.Expiry.Sub(b.now()) < need {
		w.Header().Set("Location", "/account/mfa/login?return="+url.QueryEscape(r.URL.Path))
		w.WriteHeader(http.StatusSeeOther)
		return "", false
	}
	return t.AccessToken, true
}

// call sends one request to the tenant and decodes a 2xx JSON answer into v.
func (b *baselineHandler) call(r *http.Request, method, path, bearer, contentType string, body io.Reader, v any) (int, error) {
	req, err := http.NewRequestWithContext(r.Context(), method, b.tenant+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := b.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
		return res.StatusCode, nil
	}
	return res.StatusCode, json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(v)
}

func (b *baselineHandler) render(w http.ResponseWriter, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, "rendering failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

func (b *baselineHandler) list(w http.ResponseWriter, r *http.Request) {
	sub, ok := b.user(w, r)
	if !ok {
		return
	}
	at, ok := b.token(w, r, sub, time.Minute)
	if !ok {
		return
	}
	var list []baselineAuthenticator
	if st, err := b.call(r, http.MethodGet, "/mfa/authenticators", at, "", nil, &list); err != nil || st != http.StatusOK {
		http.Error(w, "Auth0 did not answer", http.StatusBadGateway)
		return
	}
	flash := b.sm.PopString(r.Context(), b.base+".flash")
	b.render(w, b.listTmpl, struct {
		Flash string
		List  []baselineAuthenticator
	}{flash, list})
}

func (b *baselineHandler) enrollStart(w http.ResponseWriter, r *http.Request) {
	sub, ok := b.user(w, r)
	if !ok {
		return
	}
	at, ok := b.token(w, r, sub, 5*time.Minute)
	if !ok {
		return
	}
	body, _ := json.Marshal(struct {
		ClientID           string   `json:"client_id"`
		AuthenticatorTypes []string `json:"authenticator_types"`
	}{b.clientID, []string{"otp"}})
	var a struct {
		Secret     string `json:"secret"`
		BarcodeURI string `json:"barcode_uri"`
	}
	if st, err := b.call(r, http.MethodPost, "/mfa/associate", at, "application/json", bytes.NewReader(body), &a); err != nil || st != http.StatusOK || a.Secret == "" {
		http.Error(w, "Auth0 did not answer", http.StatusBadGateway)
		return
	}
	p, _ := json.Marshal(baselinePending{ID: rand.Text(), Sub: sub, Secret: a.Secret, BarcodeURI: a.BarcodeURI, Started: b.now()})
	b.sm.Put(r.Context(), b.base+".pending", p)
	w.Header().Set("Location", b.base+"/enroll")
	w.WriteHeader(http.StatusSeeOther)
}

func (b *baselineHandler) pending(r *http.Request, sub string) (baselinePending, bool) {
	var p baselinePending
	raw := b.sm.GetBytes(r.Context(), b.base+".pending")
	if raw == nil || json.Unmarshal(raw, &p) != nil || p.Sub != sub || b.now().Sub(p.Started) > 10*time.Minute {
		return p, false
	}
	return p, true
}

func (b *baselineHandler) enrollPage(w http.ResponseWriter, r *http.Request) {
	sub, ok := b.user(w, r)
	if !ok {
		return
	}
	p, ok := b.pending(r, sub)
	if !ok {
		w.Header().Set("Location", b.base+"/")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	var svg template.HTML
	if b.qr {
		s, err := qrsvg.Encode(p.BarcodeURI, qrsvg.WithLabel("QR code for your authenticator app"))
		if err != nil {
			http.Error(w, "QR code failed", http.StatusInternalServerError)
			return
		}
		svg = template.HTML(s) // trusted markup drawn by qrsvg
	}
	b.render(w, b.enrollTmpl, struct {
		ID, Secret, Error string
		QR                template.HTML
	}{p.ID, p.Secret, b.sm.PopString(r.Context(), b.base+".flash"), svg})
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := range 6 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (b *baselineHandler) confirm(w http.ResponseWriter, r *http.Request) {
	sub, ok := b.user(w, r)
	if !ok {
		return
	}
	p, ok := b.pending(r, sub)
	if !ok || r.PostForm.Get("enrollment") != p.ID {
		w.Header().Set("Location", b.base+"/")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if !sixDigits(code) {
		b.sm.Put(r.Context(), b.base+".flash", "Enter the 6-digit code.")
		w.Header().Set("Location", b.base+"/enroll")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	at, ok := b.token(w, r, sub, time.Minute)
	if !ok {
		return
	}
	form := url.Values{
		"grant_type":    {"http://auth0.com/oauth/grant-type/mfa-otp"},
		"mfa_token":     {at},
		"otp":           {code},
		"client_id":     {b.clientID},
		"client_secret": {b.clientSecret},
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	st, err := b.call(r, http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), &tok)
	switch {
	case err != nil || st/100 == 5:
		http.Error(w, "Auth0 did not answer", http.StatusBadGateway)
		return
	case st != http.StatusOK:
		b.sm.Put(r.Context(), b.base+".flash", "That code didn't work. Check it and try again.")
		w.Header().Set("Location", b.base+"/enroll")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	b.sm.Remove(r.Context(), b.base+".pending")
	if err := b.sm.RenewToken(r.Context()); err != nil {
		http.Error(w, "session error", http.StatusInternalServerError)
		return
	}
	b.sm.Put(r.Context(), b.base+".flash", "Your authenticator app was added.")
	w.Header().Set("Location", b.base+"/")
	w.WriteHeader(http.StatusSeeOther)
}

const baselineListHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in methods</title><link rel="stylesheet" href="@BASE@/static/style.css"></head>
<body><main>
<h1>Sign-in methods</h1>
{{with .Flash}}<p role="status" class="flash">{{.}}</p>{{end}}
<table><thead><tr><th>Method</th><th>Details</th><th>Added</th><th></th></tr></thead><tbody>
{{range .List}}{{if .Active}}<tr><td>{{if eq .AuthenticatorType "otp"}}Authenticator app{{else if eq .AuthenticatorType "recovery-code"}}Recovery code{{else if eq .OOBChannel "sms"}}Text message{{else if eq .OOBChannel "voice"}}Voice call{{else if eq .OOBChannel "email"}}Email{{else}}Push notification{{end}}</td>
<td>{{.Name}}</td><td>{{if not .CreatedAt.IsZero}}{{.CreatedAt.Format "2 Jan 2006"}}{{end}}</td>
<td>{{if ne .AuthenticatorType "recovery-code"}}<a href="@BASE@/remove?id={{.ID}}">Remove</a>{{end}}</td></tr>
{{end}}{{end}}</tbody></table>
<h2>Add a method</h2>
<form method="post" action="@BASE@/enroll"><button type="submit">Authenticator app</button></form>
<form method="post" action="@BASE@/enroll/push"><button type="submit">Push notification</button></form>
<p><a href="@BASE@/enroll/sms">Text message</a> <a href="@BASE@/enroll/voice">Voice call</a> <a href="@BASE@/enroll/email">Email</a></p>
</main></body></html>
`

const baselineEnrollHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Add an authenticator app</title><link rel="stylesheet" href="@BASE@/static/style.css"></head>
<body><main>
<h1>Add an authenticator app</h1>
{{with .QR}}<figure>{{.}}</figure>{{end}}
<p>Or enter this key: <code id="secret" data-value="{{.Secret}}">{{.Secret}}</code></p>
<form method="post" action="@BASE@/confirm">
<input type="hidden" name="enrollment" value="{{.ID}}">
<label for="code">Code from the app</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required autofocus>
{{with .Error}}<p class="error">{{.}}</p>{{end}}
<button type="submit">Confirm</button>
</form>
<form method="post" action="@BASE@/cancel"><input type="hidden" name="enrollment" value="{{.ID}}"><button type="submit">Cancel</button></form>
</main></body></html>
`
