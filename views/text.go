package views

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// Label returns the kind's name as users see it.
func (k Kind) Label() string {
	switch k {
	case KindTOTP:
		return "Authenticator app"
	case KindSMS:
		return "Text message"
	case KindVoice:
		return "Voice call"
	case KindPush:
		return "Auth0 Guardian app"
	case KindEmail:
		return "Email"
	case KindRecoveryCode:
		return "Recovery code"
	}
	return "Sign-in method"
}

// GroupLabel names a group of kinds the way a person thinks of it: {sms, voice} is "Phone"
// (Auth0 enrolls both channels for a number, whichever the user chose, so naming both read as
// a method the user never added); {push, totp} is "Auth0 Guardian app".
func GroupLabel(kinds []Kind) string {
	has := func(k Kind) bool { return slices.Contains(kinds, k) }
	switch {
	case has(KindPush):
		return KindPush.Label()
	case has(KindSMS) && has(KindVoice):
		return "Phone"
	case len(kinds) > 0:
		return kinds[0].Label()
	}
	return Kind("").Label()
}

// label returns g.Label or the label derived from its kinds.
func (g FactorGroup) label() string {
	if g.Label != "" {
		return g.Label
	}
	return GroupLabel(g.Kinds)
}

// pairNote explains, for groups of more than one kind, that they go together.
func (g FactorGroup) pairNote() string {
	has := func(k Kind) bool { return slices.Contains(g.Kinds, k) }
	switch {
	case g.RemoveNote != "":
		return g.RemoveNote
	case has(KindSMS) && has(KindVoice):
		return "Text messages and voice calls use the same phone number, so removing it turns off both."
	case has(KindPush):
		// Auth0 enrolls an OTP with every push and deletes them together.
		return "The Guardian app gives you both sign-in notifications and codes, so removing it turns off both."
	}
	return ""
}

// RemoveHref returns "{basePath}/remove?id={id}", the removal confirmation link.
func RemoveHref(basePath, id string) templ.SafeURL {
	return templ.SafeURL(strings.TrimRight(basePath, "/") + "/remove?id=" + url.QueryEscape(id))
}

// choiceRank orders the "Add a method" choices: recommended first, weakest last.
func choiceRank(k Kind) int {
	switch k {
	case KindTOTP:
		return 0
	case KindSMS:
		return 1
	case KindVoice:
		return 2
	case KindPush:
		return 3
	case KindEmail:
		return 5
	}
	return 4
}

func sortedChoices(cs []EnrollChoice) []EnrollChoice {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b EnrollChoice) int { return choiceRank(a.Kind) - choiceRank(b.Kind) })
	return out
}

func (c EnrollChoice) label() string {
	if c.Label != "" {
		return c.Label
	}
	return c.Kind.Label()
}

// phoneRisk explains why codes by phone are a weaker choice (NIST SP 800-63B restricts them:
// a number can be taken over).
const phoneRisk = "Less safe than an app: someone who takes over your phone number (for example by a SIM swap) could get your codes."

func (c EnrollChoice) description() string {
	if c.Description != "" {
		return c.Description
	}
	switch c.Kind {
	case KindTOTP:
		return "Get a 6-digit code from an app such as Google Authenticator, Microsoft Authenticator or 1Password. Works without a phone signal."
	case KindSMS:
		return "Get a 6-digit code by text message. " + phoneRisk
	case KindVoice:
		return "Get a phone call that reads out a 6-digit code. " + phoneRisk
	case KindPush:
		return "Approve sign-ins with a notification in the Auth0 Guardian app on your phone."
	case KindEmail:
		return "Get a 6-digit code by email. This is the weakest choice: anyone who can read your email could use it."
	}
	return ""
}

// groupSecret writes s in groups of 4 separated by spaces.
func groupSecret(s string) string {
	s = strings.Join(strings.Fields(s), "")
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compact removes all white space (the value the copy button copies).
func compact(s string) string { return strings.Join(strings.Fields(s), "") }

// dataURLEscape percent-encodes everything except RFC 3986 unreserved characters.
func dataURLEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// recoveryFile is the text of the downloaded recovery-code file.
func recoveryFile(code, appName string) string {
	var b strings.Builder
	if appName != "" {
		b.WriteString("Recovery code for " + appName + "\r\n\r\n")
	} else {
		b.WriteString("Recovery code\r\n\r\n")
	}
	b.WriteString(compact(code) + "\r\n\r\n")
	b.WriteString("Use this code to sign in if you lose access to your other sign-in methods.\r\n")
	b.WriteString("Keep it somewhere safe and private. It works once; after you use it you get a new one.\r\n")
	return b.String()
}

// RecoveryDataURL returns the data: URL the recovery page's download link uses: a text file
// holding the code, built in the page so no copy is ever stored or served.
func RecoveryDataURL(code, appName string) templ.SafeURL {
	return templ.SafeURL("data:text/plain;charset=utf-8," + dataURLEscape(recoveryFile(code, appName)))
}

// checkURL re-applies templ's URL sanitization to a host-supplied SafeURL: http(s), mailto,
// tel, ftp(s) and scheme-less (relative) URLs pass; javascript:, data: and the like do not.
func checkURL(u templ.SafeURL) (templ.SafeURL, bool) {
	if u == "" {
		return "", false
	}
	s := templ.URL(strings.TrimSpace(string(u)))
	if s == templ.FailedSanitizationURL {
		return "", false
	}
	return s, true
}

// samePath reports whether u is a same-origin absolute path ("/…", not "//…" or "/\…"), the
// only kind of URL put into a meta refresh.
func samePath(u templ.SafeURL) bool {
	s := string(u)
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, `/\`) {
		return false
	}
	return !strings.ContainsAny(s, "\x00\t\r\n ;,'\"")
}

func refreshContent(seconds int, u templ.SafeURL) string {
	if seconds < 1 {
		seconds = 1
	}
	if samePath(u) {
		return strconv.Itoa(seconds) + ";url=" + string(u)
	}
	return strconv.Itoa(seconds)
}

func formMethod(f Form) string {
	if strings.EqualFold(f.Method, "get") {
		return "get"
	}
	return "post"
}

// formatDate renders a date as "2 January 2026" in t's own location.
func formatDate(t time.Time) string { return t.Format("2 January 2006") }

func isoDate(t time.Time) string { return t.Format("2006-01-02") }

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// lastUsedText tells when a method was last used relative to now ("2 minutes ago",
// "yesterday"), or, for a week and more or without now, the date.
func lastUsedText(t, now time.Time) string {
	d := now.Sub(t)
	plural := func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return strconv.Itoa(n) + many
	}
	switch {
	case now.IsZero() || d < -time.Minute || d >= 7*24*time.Hour:
		return formatDate(t)
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "a minute ago", " minutes ago")
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "an hour ago", " hours ago")
	}
	return plural(int(d/(24*time.Hour)), "yesterday", " days ago")
}

// humanDuration renders d as "5 minutes", "1 minute", "45 seconds", rounding up.
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		n := int((d + time.Second - 1) / time.Second)
		if n <= 1 {
			return "1 second"
		}
		return strconv.Itoa(n) + " seconds"
	}
	if d < time.Hour {
		n := int((d + time.Minute - 1) / time.Minute)
		if n == 1 {
			return "1 minute"
		}
		return strconv.Itoa(n) + " minutes"
	}
	n := int((d + time.Hour - 1) / time.Hour)
	if n == 1 {
		return "1 hour"
	}
	return strconv.Itoa(n) + " hours"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (f Flash) kind() FlashKind {
	switch f.Kind {
	case FlashSuccess, FlashError:
		return f.Kind
	}
	return FlashInfo
}

func (c CodeInput) id() string {
	if c.ID != "" {
		return c.ID
	}
	return "mfa-code"
}

func (c CodeInput) name() string {
	if c.Name != "" {
		return c.Name
	}
	return "code"
}

func (c CodeInput) label() string {
	if c.Label != "" {
		return c.Label
	}
	return "6-digit code"
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func (m PageMeta) lang() string { return orDefault(m.Lang, "en") }

func (m PageMeta) documentTitle() string {
	if m.AppName == "" {
		return m.Title
	}
	if m.Title == "" {
		return m.AppName
	}
	return m.Title + " – " + m.AppName
}

// channelLabel is a phone's switch button: what it turns on.
func channelLabel(to Kind) string {
	if to == KindVoice {
		return "Use voice calls"
	}
	return "Use text messages"
}

// actionLabel is a's label, or def when it has none.
func actionLabel(a Action, def string) string {
	if a.Label != "" {
		return a.Label
	}
	return def
}

// actionDescription is the held action's name, or a plain default.
func actionDescription(d string) string {
	if d != "" {
		return d
	}
	return "Continue with what you were doing"
}
