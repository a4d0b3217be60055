package views

import (
	"context"
	"io"
	"time"

	"github.com/a-h/templ"
)

// hiddenFields stands in for the host's CSRF input: every form must contain its output.
const hiddenFieldsMarker = `<input type="hidden" name="csrf_token" value="tok-3f9a">`

var hiddenFields = templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, hiddenFieldsMarker)
	return err
})

func form(action string) Form { return Form{Action: templ.SafeURL(action), Fields: hiddenFields} }
func formp(action string) *Form {
	f := form(action)
	return &f
}

var (
	added    = time.Date(2026, 1, 3, 10, 0, 0, 0, time.UTC)
	lastUsed = time.Date(2026, 2, 14, 8, 30, 0, 0, time.UTC)
)

const base = "/account/mfa"

func testMeta() PageMeta {
	return PageMeta{
		AppName:       "Example",
		BasePath:      base,
		StylesheetURL: base + "/static/" + templ.SafeURL(StylesheetFile()),
		ScriptURL:     base + "/static/" + templ.SafeURL(ScriptFile()),
		HomeURL:       "/account",
	}
}

type page struct {
	name string
	c    templ.Component
	// forms is how many <form> elements the page must have.
	forms int
}

func samplePages(meta PageMeta) []page {
	groups := []FactorGroup{
		{ID: "totp|dev_a", Kinds: []Kind{KindTOTP}, CreatedAt: added, LastUsed: lastUsed, RemoveURL: RemoveHref(base, "totp|dev_a")},
		{ID: "sms|dev_b", Kinds: []Kind{KindSMS, KindVoice}, Name: "+1 ••• ••• 4567", CreatedAt: added, RemoveURL: RemoveHref(base, "sms|dev_b")},
		{ID: "push|dev_c", Kinds: []Kind{KindPush, KindTOTP}, Name: "Pixel 8", RemoveURL: RemoveHref(base, "push|dev_c")},
		{ID: "email|dev_d", Kinds: []Kind{KindEmail}, Name: "j•••@example.com", CreatedAt: added, RemoveURL: RemoveHref(base, "email|dev_d")},
	}
	add := []EnrollChoice{
		{Kind: KindEmail, Start: Action{Form: formp(base + "/enroll/email")}},
		{Kind: KindPush, Start: Action{Form: formp(base + "/enroll/push")}},
		{Kind: KindVoice, Start: Action{Href: base + "/enroll/voice"}},
		{Kind: KindSMS, Start: Action{Href: base + "/enroll/sms"}},
		{Kind: KindTOTP, Start: Action{Form: formp(base + "/enroll/totp")}},
	}
	// The My Account API's rows: a user's name, Rename, and a phone's channel switch.
	named := []FactorGroup{
		{ID: "phone|dev_b", Kinds: []Kind{KindSMS, KindVoice}, Name: "Work phone (•••• 4567)", CreatedAt: added,
			RemoveURL: RemoveHref(base, "phone|dev_b"), RenameURL: base + "/rename?id=phone%7Cdev_b",
			Channel: &ChannelSwitch{Form: form(base + "/channel"), To: KindVoice}},
	}
	totpURI := "otpauth://totp/Example:jane@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example"
	cancel := Action{Form: formp(base + "/cancel")}
	return []page{
		{"list", List(ListPage{Meta: meta, Flash: Flash{Kind: FlashSuccess, Message: "Authenticator app added."}, Groups: groups, Recovery: RecoveryStatus{Enabled: true, SetUp: true}, Add: add}), 3},
		{"list-empty", List(ListPage{Meta: meta, Recovery: RecoveryStatus{Enabled: true}, Add: add}), 3},
		{"list-nothing-to-add", List(ListPage{Meta: meta, Groups: groups[:1], Flash: Flash{Kind: FlashError, Message: "We couldn't load your methods."}}), 0},
		{"totp", TOTP(TOTPPage{Meta: meta, QR: QR{Content: totpURI}, Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Issuer: "Example", Account: "jane@example.com", Confirm: form(base + "/enroll/totp/confirm"), Cancel: cancel}), 2},
		{"totp-error", TOTP(TOTPPage{Meta: meta, QR: QR{Content: totpURI}, Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Confirm: form(base + "/enroll/totp/confirm"), Code: CodeInput{Error: "That code didn't work. Check the app and try the newest code."}, Cancel: Action{Href: base}}), 1},
		{"phone-sms", Phone(PhonePage{Meta: meta, Kind: KindSMS, Form: form(base + "/enroll/sms"), Cancel: Action{Href: base}}), 1},
		{"phone-voice-error", Phone(PhonePage{Meta: meta, Kind: KindVoice, Form: form(base + "/enroll/voice"), Phone: "0044 7700", Error: "Enter the number with + and your country code, for example +447700900123.", Cancel: cancel}), 2},
		{"email", Email(EmailPage{Meta: meta, Form: form(base + "/enroll/email"), Cancel: Action{Href: base}}), 1},
		{"code-sms", Code(CodePage{Meta: meta, Kind: KindSMS, Destination: "+1 ••• ••• 4567", ExpiresIn: 5 * time.Minute, Confirm: form(base + "/enroll/oob/confirm"), Code: CodeInput{Autofocus: true}, Resend: Resend{Form: form(base + "/enroll/oob/resend"), Remaining: 2}, Cancel: cancel}), 3},
		{"code-voice-wait", Code(CodePage{Meta: meta, Kind: KindVoice, Destination: "+1 ••• ••• 4567", Confirm: form(base + "/enroll/oob/confirm"), Code: CodeInput{Error: "That code has expired. Ask for a new one."}, Resend: Resend{Form: form(base + "/enroll/oob/resend"), Remaining: -1, Wait: 40 * time.Second}, Cancel: Action{Href: base}}), 1},
		{"code-email-none-left", Code(CodePage{Meta: meta, Kind: KindEmail, Destination: "j•••@example.com", ExpiresIn: 5 * time.Minute, Confirm: form(base + "/enroll/oob/confirm"), Resend: Resend{Form: form(base + "/enroll/oob/resend"), Remaining: 0}, Cancel: Action{Href: base}}), 1},
		{"push-waiting", Push(PushPage{Meta: meta, QR: QR{Content: "otpauth://totp/Example:jane?enrollment_tx_id=abc&base_url=https%3A%2F%2Fexample.guardian.auth0.com%2F&secret=ABCDEFGHIJKLMNOP"}, RefreshSeconds: 5, RefreshURL: base + "/enroll/push/poll", Cancel: cancel}), 1},
		{"push-approved", Push(PushPage{Meta: meta, State: PushApproved, Next: Action{Href: base + "/recovery"}}), 0},
		{"push-rejected", Push(PushPage{Meta: meta, State: PushRejected, Next: Action{Form: formp(base + "/enroll/push")}}), 1},
		{"push-expired", Push(PushPage{Meta: meta, State: PushExpired, Next: Action{Form: formp(base + "/enroll/push")}}), 1},
		{"recovery", RecoveryCode(RecoveryCodePage{Meta: meta, Code: "ABCD2EFGH3JKLM4NPQR5STUV", Saved: form(base + "/recovery/saved")}), 1},
		{"recovery-none-earlier", RecoveryCode(RecoveryCodePage{Meta: meta, Reason: NoCodeEarlier, Saved: form(base + "/recovery/saved")}), 1},
		{"recovery-none-disabled", RecoveryCode(RecoveryCodePage{Meta: meta, Reason: NoCodeDisabled, Saved: form(base + "/recovery/saved")}), 1},
		{"remove", Remove(RemovePage{Meta: meta, Group: groups[1], Confirm: form(base + "/remove"), Cancel: Action{Href: base}}), 1},
		{"remove-blocked", Remove(RemovePage{Meta: meta, Group: groups[0], Blocked: true, Cancel: Action{Href: base}}), 0},
		{"error", Error(ErrorPage{Meta: meta, Status: 403, Title: "Sign in again to continue", Message: "For your security, changes to two-step verification need a recent sign-in.", Next: Action{Label: "Sign in again", Href: base + "/login"}}), 0},
		{"error-default", Error(ErrorPage{Meta: meta}), 0},
		{"step-up", StepUp(StepUpPage{Meta: meta, Continue: Action{Href: base + "/login?return=%2Faccount%2Fmfa%2F"}}), 0},
		{"list-my-account", List(ListPage{Meta: meta, Groups: named, Recovery: RecoveryStatus{Enabled: true, SetUp: true}}), 1},
		{"rename", Rename(RenamePage{Meta: meta, Group: named[0], Form: form(base + "/rename"), Name: "Work phone", Cancel: Action{Href: base}}), 1},
		{"rename-error", Rename(RenamePage{Meta: meta, Group: named[0], Form: form(base + "/rename"), Name: "Work\u202ephone", Error: "Enter a name of 1 to 64 characters.", Cancel: cancel}), 2},
		{"recovery-none-later", RecoveryCode(RecoveryCodePage{Meta: meta, Reason: NoCodeLater, Saved: form(base + "/recovery/saved")}), 1},
		{"list-my-account-create-code", List(ListPage{Meta: meta, Groups: named, Recovery: RecoveryStatus{Enabled: true, Create: formp(base + "/recovery-code/new")}}), 2},
	}
}
