package auth0test

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
)

// pageData feeds every HTML page of the emulator.
type pageData struct {
	Title, Kind string
	TenantName  string
	DevPages    bool
	ClientID    string
	State       string
	Email       string
	Error       string
	Notice      string
	Message     string
	Link        string
	LinkText    string

	// MFA challenge
	FactorKind, FactorLabel, FactorID string
	Options                           []option
	RefreshSeconds                    int
	// enrollment and recovery code
	Secret, BarcodeURI, RecoveryCode string

	// login: PublicKeyCredentialRequestOptions as JSON ("" without passkeys)
	PasskeyOptions string

	// dev pages
	Messages []Message
	Pushes   []PushRequest
}

type option struct{ ID, Label string }

var pages = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .RefreshSeconds}}<meta http-equiv="refresh" content="{{.RefreshSeconds}}">{{end}}
<title>{{.Title}} · {{.TenantName}}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:2rem;color:#1e212a}
main{max-width:26rem;margin:0 auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
main.wide{max-width:48rem}
h1{font-size:1.4rem;margin-top:0}
label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}
.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}
.notice{background:#e8f1fd;color:#1c3f8a;padding:.6rem;border-radius:4px}
.secret,.code{font-family:ui-monospace,monospace;font-size:1.2rem;letter-spacing:.1em;word-break:break-all}
.muted{color:#666;font-size:.9rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
footer{margin-top:1.5rem;font-size:.85rem;color:#666}
</style>
</head>
<body>
<main{{if or (eq .Kind "inbox") (eq .Kind "guardian")}} class="wide"{{end}}>
<p class="muted">{{.TenantName}} · emulated Auth0 tenant (development only)</p>
<h1>{{.Title}}</h1>
{{with .Error}}<p class="error" role="alert">{{.}}</p>{{end}}
{{with .Notice}}<p class="notice">{{.}}</p>{{end}}
{{if eq .Kind "login"}}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="{{.State}}">
<label for="email">Email address</label>
<input type="email" id="email" name="email" value="{{.Email}}" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
{{with .PasskeyOptions}}
<form method="post" action="/u/login" id="passkey-login" data-options="{{.}}" hidden>
<input type="hidden" name="state" value="{{$.State}}">
<input type="hidden" name="action" value="passkey">
<input type="hidden" name="authn_response" value="">
<input type="hidden" name="error" value="">
<button type="submit">Sign in with a passkey</button>
</form>
<script src="/u/passkey.js"></script>
{{end}}
<p class="muted">Application: {{.ClientID}}</p>
{{else if eq .Kind "mfa"}}
<p>Method: <strong>{{.FactorLabel}}</strong></p>
{{if eq .FactorKind "push"}}
<p>Approve the notification on your device. This page checks again every {{.RefreshSeconds}} seconds.</p>
<form method="post" action="/u/mfa"><input type="hidden" name="state" value="{{.State}}">
<button type="submit" name="action" value="resend">Send a new notification</button></form>
<p><a href="/u/mfa?state={{.State}}">Check now</a></p>
{{else}}
<form method="post" action="/u/mfa">
<input type="hidden" name="state" value="{{.State}}">
{{if eq .FactorKind "recovery-code"}}
<label for="code">Recovery code</label>
<input type="text" id="code" name="code" autocomplete="off" required autofocus>
{{else}}
<label for="code">{{if eq .FactorKind "otp"}}Code from your authenticator app{{else}}Code you received{{end}}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" required autofocus>
{{end}}
<button type="submit" name="action" value="verify">Continue</button>
</form>
{{if eq .FactorKind "code"}}<form method="post" action="/u/mfa"><input type="hidden" name="state" value="{{.State}}">
<button type="submit" name="action" value="resend">Send a new code</button></form>{{end}}
{{end}}
{{if .Options}}
<h2>Try another method</h2>
{{range .Options}}<form method="post" action="/u/mfa"><input type="hidden" name="state" value="{{$.State}}">
<input type="hidden" name="factor" value="{{.ID}}"><button type="submit" name="action" value="select">{{.Label}}</button></form>
{{end}}{{end}}
{{else if eq .Kind "enroll"}}
<p>Your account needs a second factor. Add this key to an authenticator app, then enter the code it shows.</p>
{{if .Secret}}<p class="secret">{{.Secret}}</p>
<p class="muted">otpauth URI: <span class="code">{{.BarcodeURI}}</span></p>
<form method="post" action="/u/mfa">
<input type="hidden" name="state" value="{{.State}}">
<label for="code">Code from your authenticator app</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" required autofocus>
<button type="submit" name="action" value="verify">Continue</button>
</form>{{end}}
{{else if eq .Kind "recovery"}}
<p>Keep this recovery code somewhere safe. You will not see it again.</p>
<p class="code" id="recovery-code">{{.RecoveryCode}}</p>
<form method="post" action="/u/mfa"><input type="hidden" name="state" value="{{.State}}">
<button type="submit" name="action" value="continue">I have saved it</button></form>
{{else if eq .Kind "inbox"}}
<p>Codes delivered by SMS, voice and email, newest first.</p>
<table><thead><tr><th>Sent</th><th>Channel</th><th>To</th><th>Code</th></tr></thead><tbody>
{{range .Messages}}<tr><td>{{.SentAt.Format "15:04:05"}}</td><td>{{.Channel}}</td><td>{{.To}}</td><td class="code">{{.Code}}</td></tr>
{{else}}<tr><td colspan="4">Nothing delivered yet.</td></tr>{{end}}
</tbody></table>
{{else if eq .Kind "guardian"}}
<p>Push notifications waiting for a decision.</p>
<table><thead><tr><th>Sent</th><th>User</th><th>Kind</th><th></th></tr></thead><tbody>
{{range .Pushes}}<tr><td>{{.CreatedAt.Format "15:04:05"}}</td><td>{{.UserID}}</td><td>{{if .Enrollment}}enrollment{{else}}login{{end}}</td>
<td><form method="post" action="/_dev/guardian"><input type="hidden" name="id" value="{{.ID}}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="reject">Reject</button></form></td></tr>
{{else}}<tr><td colspan="4">No pending notification.</td></tr>{{end}}
</tbody></table>
{{else}}
{{with .Message}}<p>{{.}}</p>{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
{{end}}
{{if .DevPages}}<footer>Development: <a href="/_dev/inbox">inbox (SMS, voice, email codes)</a> · <a href="/_dev/guardian">Guardian (push)</a></footer>{{end}}
</main>
</body>
</html>
`))

func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	d.TenantName = s.tenantName
	d.DevPages = s.devPages
	var buf bytes.Buffer
	if err := pages.Execute(&buf, d); err != nil {
		s.log.Error("auth0emu: rendering page", "kind", d.Kind, "err", err)
		http.Error(w, "auth0emu: page rendering failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderError shows an error page (never a redirect).
func (s *Server) renderError(w http.ResponseWriter, status int, title, msg, link, linkText string) {
	s.renderPage(w, status, pageData{Title: title, Kind: "error", Message: msg, Link: link, LinkText: linkText})
}
