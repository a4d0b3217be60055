package mfahandler_test

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/internal/phone"
)

// baselineMarkupListHTML is selfmfa's list page as a hand-written html/template emits it: the
// same markup byte for byte for the benchmark user (checked untimed), with the rows, the
// recovery status and the flash filled by the template. Generated once from the rendered page.
const baselineMarkupListHTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="referrer" content="no-referrer"><title>Two-step verification</title><link rel="stylesheet" href="@BASE@/static/@CSS@"><script src="@BASE@/static/@JS@" defer></script></head><body class="mfa-body"><a class="mfa-skip-link" href="#mfa-main">Skip to main content</a> <main id="mfa-main" class="mfa-main" tabindex="-1"><div class="mfa-page"><header class="mfa-header"><h1 class="mfa-title">Two-step verification</h1><p class="mfa-lead">A second step when you sign in means a stolen password alone is not enough to get into your account.</p></header>{{with .Flash}}<div class="mfa-flash mfa-flash-success" role="status"><p>{{.}}</p></div>{{end}}<section class="mfa-section" aria-labelledby="mfa-methods-title"><h2 class="mfa-section-title" id="mfa-methods-title">Your sign-in methods</h2><table class="mfa-table"><thead class="mfa-visually-hidden"><tr><th scope="col">Method</th><th scope="col"><span class="mfa-visually-hidden">Actions</span></th></tr></thead> <tbody>{{range .Rows}}<tr><th scope="row"><span class="mfa-factor">{{.Icon}}<span><span class="mfa-factor-name"><bdi>{{.Label}}</bdi></span> {{with .Name}}<span class="mfa-factor-meta"><bdi>{{.}}</bdi></span> {{end}}</span></span></th><td class="mfa-cell-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/remove?id={{.ID}}">Remove<span class="mfa-visually-hidden"> {{.Label}}{{with .Name}}, {{.}}{{end}}</span></a></td></tr>{{end}}</tbody></table></section><section class="mfa-section" aria-labelledby="mfa-recovery-title"><h2 class="mfa-section-title" id="mfa-recovery-title">Recovery code</h2>{{if .Recovery}}<p class="mfa-status mfa-status-ok">{{.Check}}<span>Recovery code: <strong>set up</strong></span></p>{{else}}<p class="mfa-status mfa-status-warn">{{.Warn}}<span>Recovery code: <strong>not set up</strong></span></p>{{end}}<p class="mfa-text">If you lose access to your other methods, you can sign in with your recovery code. Keep it somewhere safe: we showed it only once.</p></section><section class="mfa-section" id="mfa-add" aria-labelledby="mfa-add-title"><h2 class="mfa-section-title" id="mfa-add-title">Add a method</h2><ul class="mfa-choices"><li class="mfa-choice"><svg class="mfa-icon mfa-icon-app" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="6" y="2.5" width="12" height="19" rx="2.5"></rect> <path d="M9 9.5h6M9 13h6M11 18h2"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Authenticator app <span class="mfa-badge mfa-badge-recommended">Recommended</span> </h3><p class="mfa-note">Get a 6-digit code from an app such as Google Authenticator, Microsoft Authenticator or 1Password. Works without a phone signal.</p></div><div class="mfa-choice-action"><form class="mfa-form" method="post" action="@BASE@/enroll/totp"><button type="submit" class="mfa-btn mfa-btn-primary">Set up <span class="mfa-visually-hidden"> Authenticator app</span></button></form></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-sms" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M4 5.5h16v10.5h-10l-6 4.5z"></path> <path d="M8 10h8"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Text message <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a 6-digit code by text message. Less safe than an app: someone who takes over your phone number (for example by a SIM swap) could get your codes.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/sms">Set up <span class="mfa-visually-hidden"> Text message</span></a></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-voice" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M5.5 3.5h3.5l1.5 4.5-2 1.5a11 11 0 0 0 6 6l1.5-2 4.5 1.5v3.5a2 2 0 0 1-2 2A16.5 16.5 0 0 1 3.5 5.5a2 2 0 0 1 2-2z"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Voice call <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a phone call that reads out a 6-digit code. Less safe than an app: someone who takes over your phone number (for example by a SIM swap) could get your codes.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/voice">Set up <span class="mfa-visually-hidden"> Voice call</span></a></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-push" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z"></path> <path d="M10 21h4"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Auth0 Guardian app </h3><p class="mfa-note">Approve sign-ins with a notification in the Auth0 Guardian app on your phone.</p></div><div class="mfa-choice-action"><form class="mfa-form" method="post" action="@BASE@/enroll/push"><button type="submit" class="mfa-btn mfa-btn-secondary">Set up <span class="mfa-visually-hidden"> Auth0 Guardian app</span></button></form></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-email" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="3" y="5" width="18" height="14" rx="2"></rect> <path d="M3.5 6.5l8.5 6.5 8.5-6.5"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Email <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a 6-digit code by email. This is the weakest choice: anyone who can read your email could use it.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/email">Set up <span class="mfa-visually-hidden"> Email</span></a></div></li></ul></section></div></main></body></html>`

// baselineIcons are the inline SVG icons of the list rows, by kind.
var baselineIcons = map[string]string{
	"app":   `<svg class="mfa-icon mfa-icon-app" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="6" y="2.5" width="12" height="19" rx="2.5"></rect> <path d="M9 9.5h6M9 13h6M11 18h2"></path></svg>`,
	"sms":   `<svg class="mfa-icon mfa-icon-sms" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M4 5.5h16v10.5h-10l-6 4.5z"></path> <path d="M8 10h8"></path></svg>`,
	"email": `<svg class="mfa-icon mfa-icon-email" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="3" y="5" width="18" height="14" rx="2"></rect> <path d="M3.5 6.5l8.5 6.5 8.5-6.5"></path></svg>`,
	"check": `<svg class="mfa-icon mfa-icon-check" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9.5"></circle> <path d="M7.5 12.5l3 3 6-6.5"></path></svg>`,
	"voice": `<svg class="mfa-icon mfa-icon-voice" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M5.5 3.5h3.5l1.5 4.5-2 1.5a11 11 0 0 0 6 6l1.5-2 4.5 1.5v3.5a2 2 0 0 1-2 2A16.5 16.5 0 0 1 3.5 5.5a2 2 0 0 1 2-2z"></path></svg>`,
	"push":  `<svg class="mfa-icon mfa-icon-push" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z"></path> <path d="M10 21h4"></path></svg>`,
}

// baselineRow is one method row of the same-markup baseline.
type baselineRow struct {
	Label, Name string
	ID          template.URL // query-escaped as selfmfa writes it
	Icon        template.HTML
}

// listMarkup is the list page of the same-markup baseline: the same checks and the same call
// as list, then the rows a careful hand-written page would compute (a phone's SMS and voice
// authenticators in one row, recovery codes as a status line), rendered into selfmfa's markup.
func (b *baselineHandler) listMarkup(w http.ResponseWriter, r *http.Request) {
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
	data := struct {
		Flash       string
		Rows        []baselineRow
		Recovery    bool
		Check, Warn template.HTML
	}{Flash: b.sm.PopString(r.Context(), b.base+".flash"), Check: template.HTML(baselineIcons["check"])}
	phones := map[string]int{} // id suffix → row index
	for _, a := range list {
		if !a.Active {
			continue
		}
		kind, suffix, _ := strings.Cut(a.ID, "|")
		switch kind {
		case "recovery-code":
			data.Recovery = true
			continue
		case "sms", "voice":
			if i, ok := phones[suffix]; ok {
				data.Rows[i].Label = "Phone"
				continue
			}
			phones[suffix] = len(data.Rows)
		}
		label := map[string]string{"totp": "Authenticator app", "sms": "Text message", "voice": "Voice call", "push": "Auth0 Guardian app", "email": "Email"}[kind]
		icon := map[string]string{"totp": "app", "sms": "sms", "voice": "voice", "push": "push", "email": "email"}[kind]
		name := a.Name
		if kind == "sms" || kind == "voice" {
			name = phone.Readable(name) // "XXXXXXXX0123" as "•••• 0123", as the page does
		}
		data.Rows = append(data.Rows, baselineRow{ID: template.URL(url.QueryEscape(a.ID)), Label: label, Name: name, Icon: template.HTML(baselineIcons[icon])})
	}
	b.render(w, b.markupTmpl, data)
}

// sideBaselineMarkup is the baseline page that emits selfmfa's exact list markup.
func sideBaselineMarkup() side {
	return side{name: "baseline-markup", list: "/baseline/same-markup/", listContent: "remove?id="}
}

// TestBaselineSameMarkup keeps the benchmark's same-markup baseline honest: for the benchmark
// user it must emit selfmfa's list page byte for byte (but for where it is mounted).
func TestBaselineSameMarkup(t *testing.T) {
	t.Parallel()
	sameMarkup(t, newBenchStack(t), "/baseline/same-markup/")
}

// sameMarkup checks that the baseline page at path emits selfmfa's list page byte for byte.
func sameMarkup(t *testing.T, st *benchStack, path string) {
	t.Helper()
	self := st.do(http.MethodGet, "/account/mfa/", "")
	base := st.do(http.MethodGet, path, "")
	if self.Code != http.StatusOK || base.Code != http.StatusOK {
		t.Fatalf("list pages: selfmfa %d, baseline %d", self.Code, base.Code)
	}
	got := strings.ReplaceAll(base.Body.String(), "/baseline/", "/account/mfa/")
	if want := self.Body.String(); got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("the same-markup baseline differs from selfmfa's page at byte %d:\nselfmfa:  …%s…\nbaseline: …%s…",
			i, want[max(0, i-80):min(len(want), i+80)], got[max(0, i-80):min(len(got), i+80)])
	}
}
