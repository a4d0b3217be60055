package mfahandler_test

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// baselineMarkupMeListHTML is selfmfa's list page on the My Account API (names, dates, Rename,
// a phone's channel switch) as a hand-written html/template emits it: the same markup byte for
// byte for the benchmark user (TestBaselineSameMarkupMyAccount). Generated once from the
// rendered page.
const baselineMarkupMeListHTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="referrer" content="no-referrer"><title>Two-step verification</title><link rel="stylesheet" href="@BASE@/static/@CSS@"><script src="@BASE@/static/@JS@" defer></script></head><body class="mfa-body"><a class="mfa-skip-link" href="#mfa-main">Skip to main content</a> <main id="mfa-main" class="mfa-main" tabindex="-1"><div class="mfa-page"><header class="mfa-header"><h1 class="mfa-title">Two-step verification</h1><p class="mfa-lead">A second step when you sign in means a stolen password alone is not enough to get into your account.</p></header>{{with .Flash}}<div class="mfa-flash mfa-flash-success" role="status"><p>{{.}}</p></div>{{end}}<section class="mfa-section" aria-labelledby="mfa-methods-title"><h2 class="mfa-section-title" id="mfa-methods-title">Your sign-in methods</h2><table class="mfa-table"><thead><tr><th scope="col">Method</th><th scope="col">Added</th><th scope="col"><span class="mfa-visually-hidden">Actions</span></th></tr></thead> <tbody>{{range .Rows}}<tr><th scope="row"><span class="mfa-factor">{{.Icon}}<span><span class="mfa-factor-name"><bdi>{{.Label}}</bdi></span> {{with .Name}}<span class="mfa-factor-meta"><bdi>{{.}}</bdi></span> {{end}}{{if .LastUsedText}}<span class="mfa-factor-meta">Last used <time datetime="{{.LastUsedISO}}">{{.LastUsedText}}</time></span>{{end}}</span></span></th><td data-label="Added"><time datetime="{{.AddedISO}}">{{.Added}}</time></td><td class="mfa-cell-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/rename?id={{.ID}}">Rename<span class="mfa-visually-hidden"> {{.Label}}{{with .Name}}, {{.}}{{end}}</span></a> {{if .To}}<form class="mfa-form" method="post" action="@BASE@/channel"><input type="hidden" name="id" value="{{.RawID}}"><input type="hidden" name="channel" value="{{.To}}"><button type="submit" class="mfa-btn mfa-btn-secondary">{{.ToLabel}}<span class="mfa-visually-hidden"> {{.Label}}{{with .Name}}, {{.}}{{end}}</span></button></form>{{end}}<a class="mfa-btn mfa-btn-secondary" href="@BASE@/remove?id={{.ID}}">Remove<span class="mfa-visually-hidden"> {{.Label}}{{with .Name}}, {{.}}{{end}}</span></a></td></tr>{{end}}</tbody></table></section><section class="mfa-section" aria-labelledby="mfa-recovery-title"><h2 class="mfa-section-title" id="mfa-recovery-title">Recovery code</h2>{{if .Recovery}}<p class="mfa-status mfa-status-ok">{{.Check}}<span>Recovery code: <strong>set up</strong></span></p>{{else}}<p class="mfa-status mfa-status-warn">{{.Warn}}<span>Recovery code: <strong>not set up</strong></span></p>{{end}}<p class="mfa-text">If you lose access to your other methods, you can sign in with your recovery code. Keep it somewhere safe: we showed it only once.</p></section><section class="mfa-section" id="mfa-add" aria-labelledby="mfa-add-title"><h2 class="mfa-section-title" id="mfa-add-title">Add a method</h2><ul class="mfa-choices"><li class="mfa-choice"><svg class="mfa-icon mfa-icon-app" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="6" y="2.5" width="12" height="19" rx="2.5"></rect> <path d="M9 9.5h6M9 13h6M11 18h2"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Authenticator app <span class="mfa-badge mfa-badge-recommended">Recommended</span> </h3><p class="mfa-note">Get a 6-digit code from an app such as Google Authenticator, Microsoft Authenticator or 1Password. Works without a phone signal.</p></div><div class="mfa-choice-action"><form class="mfa-form" method="post" action="@BASE@/enroll/totp"><button type="submit" class="mfa-btn mfa-btn-primary">Set up <span class="mfa-visually-hidden"> Authenticator app</span></button></form></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-sms" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M4 5.5h16v10.5h-10l-6 4.5z"></path> <path d="M8 10h8"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Text message <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a 6-digit code by text message. Less safe than an app: someone who takes over your phone number (for example by a SIM swap) could get your codes.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/sms">Set up <span class="mfa-visually-hidden"> Text message</span></a></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-voice" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M5.5 3.5h3.5l1.5 4.5-2 1.5a11 11 0 0 0 6 6l1.5-2 4.5 1.5v3.5a2 2 0 0 1-2 2A16.5 16.5 0 0 1 3.5 5.5a2 2 0 0 1 2-2z"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Voice call <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a phone call that reads out a 6-digit code. Less safe than an app: someone who takes over your phone number (for example by a SIM swap) could get your codes.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/voice">Set up <span class="mfa-visually-hidden"> Voice call</span></a></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-push" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z"></path> <path d="M10 21h4"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Auth0 Guardian app </h3><p class="mfa-note">Approve sign-ins with a notification in the Auth0 Guardian app on your phone.</p></div><div class="mfa-choice-action"><form class="mfa-form" method="post" action="@BASE@/enroll/push"><button type="submit" class="mfa-btn mfa-btn-secondary">Set up <span class="mfa-visually-hidden"> Auth0 Guardian app</span></button></form></div></li><li class="mfa-choice"><svg class="mfa-icon mfa-icon-email" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="3" y="5" width="18" height="14" rx="2"></rect> <path d="M3.5 6.5l8.5 6.5 8.5-6.5"></path></svg><div class="mfa-choice-body"><h3 class="mfa-choice-title">Email <span class="mfa-badge mfa-badge-weak">Less secure</span></h3><p class="mfa-note">Get a 6-digit code by email. This is the weakest choice: anyone who can read your email could use it.</p></div><div class="mfa-choice-action"><a class="mfa-btn mfa-btn-secondary" href="@BASE@/enroll/email">Set up <span class="mfa-visually-hidden"> Email</span></a></div></li></ul></section></div></main></body></html>`

// baselineMeMethod is the part of a My Account method the hand-written page reads.
type baselineMeMethod struct {
	ID               string    `json:"id"`
	Type             string    `json:"type"`
	Confirmed        bool      `json:"confirmed"`
	Name             string    `json:"name"`
	PhoneNumber      string    `json:"phone_number"`
	PreferredChannel string    `json:"preferred_authentication_method"`
	Email            string    `json:"email"`
	CreatedAt        time.Time `json:"created_at"`
	LastAuthAt       time.Time `json:"last_auth_at"`
}

// baselineMeRow is one method row of the My Account same-markup baseline.
type baselineMeRow struct {
	Label, Name, RawID, To, ToLabel string
	Added, AddedISO                 string
	LastUsedText, LastUsedISO       string
	ID                              template.URL // query-escaped as selfmfa writes it
	Icon                            template.HTML
}

// listMarkupMe is the My Account list page of the same-markup baseline: the same checks as
// list, GET /me/v1/authentication-methods with the session's token, and the rows a careful
// hand-written page would compute (labels, masked phone and email, the dates, the other
// channel), rendered into selfmfa's markup.
func (b *baselineHandler) listMarkupMe(w http.ResponseWriter, r *http.Request) {
	sub, ok := b.user(w, r)
	if !ok {
		return
	}
	at, ok := b.token(w, r, sub, time.Minute)
	if !ok {
		return
	}
	var list struct {
		Methods []baselineMeMethod `json:"authentication_methods"`
	}
	if st, err := b.call(r, http.MethodGet, "/me/v1/authentication-methods", at, "", nil, &list); err != nil || st != http.StatusOK {
		http.Error(w, "Auth0 did not answer", http.StatusBadGateway)
		return
	}
	data := struct {
		Flash       string
		Rows        []baselineMeRow
		Recovery    bool
		Check, Warn template.HTML
	}{Flash: b.sm.PopString(r.Context(), b.base+".flash"), Check: template.HTML(baselineIcons["check"])}
	now := b.now()
	for _, m := range list.Methods {
		if !m.Confirmed {
			continue
		}
		row := baselineMeRow{ID: template.URL(url.QueryEscape(m.ID)), RawID: m.ID, Name: m.Name,
			Added: m.CreatedAt.Format("2 January 2006"), AddedISO: m.CreatedAt.Format("2006-01-02")}
		switch m.Type {
		case "recovery-code":
			data.Recovery = true
			continue
		case "totp":
			row.Label, row.Icon = "Authenticator app", template.HTML(baselineIcons["app"])
		case "push-notification":
			row.Label, row.Icon = "Auth0 Guardian app", template.HTML(baselineIcons["push"])
		case "phone":
			row.Label, row.Icon, row.To, row.ToLabel = "Text message", template.HTML(baselineIcons["sms"]), "voice", "Use voice calls"
			if m.PreferredChannel == "voice" {
				row.Label, row.Icon, row.To, row.ToLabel = "Voice call", template.HTML(baselineIcons["voice"]), "sms", "Use text messages"
			}
			if row.Name == "" && len(m.PhoneNumber) > 4 {
				row.Name = "•••• " + m.PhoneNumber[len(m.PhoneNumber)-4:]
			}
		case "email":
			row.Label, row.Icon = "Email", template.HTML(baselineIcons["email"])
			if at := strings.LastIndexByte(m.Email, '@'); row.Name == "" && at > 0 {
				row.Name = m.Email[:1] + "•••" + m.Email[at:]
			}
		default:
			continue
		}
		if !m.LastAuthAt.IsZero() {
			row.LastUsedISO, row.LastUsedText = m.LastAuthAt.UTC().Format(time.RFC3339), baselineAgo(now.Sub(m.LastAuthAt), m.LastAuthAt)
		}
		data.Rows = append(data.Rows, row)
	}
	b.render(w, b.markupMeTmpl, data)
}

// baselineAgo is the hand-written page's "2 minutes ago".
func baselineAgo(d time.Duration, t time.Time) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < 2*time.Minute:
		return "a minute ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " minutes ago"
	}
	return t.Format("2 January 2006")
}

// sideBaselineMarkupMe is the baseline page that emits selfmfa's exact My Account list markup.
func sideBaselineMarkupMe() side {
	return side{name: "baseline-markup", list: "/baseline/same-markup-me/", listContent: "rename?id="}
}

// TestBaselineSameMarkupMyAccount keeps the My Account baseline honest: for the benchmark user
// it emits selfmfa's list page byte for byte (but for where it is mounted).
func TestBaselineSameMarkupMyAccount(t *testing.T) {
	t.Parallel()
	st := newBenchStackMyAccount(t)
	sameMarkup(t, st, "/baseline/same-markup-me/")
}

// BenchmarkListPageMyAccountRatio is BenchmarkListPageRatio on the My Account API: selfmfa
// reading the list afresh for every page (no reuse) against the hand-written page that emits
// the same markup from the same read (budget x-time ≤ 1.2, x-allocs ≤ 1.5).
func BenchmarkListPageMyAccountRatio(b *testing.B) {
	st := newBenchStackMyAccount(b)
	sides := []side{sideSelfmfa(), sideBaselineMarkupMe()}
	for _, s := range sides {
		if err := st.checkList(s); err != nil {
			b.Fatal(err)
		}
	}
	benchRatio(b, st, func(_ timer, s side) error { return st.listOnce(s) }, sides...)
}
