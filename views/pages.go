package views

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// List is the default ListPage.
func List(p ListPage) templ.Component {
	p.Meta = p.Meta.withTitle("Two-step verification")
	return p.Meta.Wrap(listBody(p))
}

// TOTP is the default TOTPPage.
func TOTP(p TOTPPage) templ.Component {
	p.Meta = p.Meta.withTitle("Set up an authenticator app")
	return p.Meta.Wrap(totpBody(p))
}

// Phone is the default PhonePage.
func Phone(p PhonePage) templ.Component {
	title := "Add a phone for text messages"
	if p.Kind == KindVoice {
		title = "Add a phone for voice calls"
	}
	p.Meta = p.Meta.withTitle(title)
	return p.Meta.Wrap(phoneBody(p))
}

// Email is the default EmailPage.
func Email(p EmailPage) templ.Component {
	p.Meta = p.Meta.withTitle("Add an email address")
	return p.Meta.Wrap(emailBody(p))
}

// Code is the default CodePage.
func Code(p CodePage) templ.Component {
	title := "Enter the code we texted you"
	switch p.Kind {
	case KindVoice:
		title = "Enter the code from the call"
	case KindEmail:
		title = "Enter the code we emailed you"
	}
	p.Meta = p.Meta.withTitle(title)
	return p.Meta.Wrap(codeBody(p))
}

// Push is the default PushPage. Only the waiting state refreshes itself: it adds
// <meta http-equiv="refresh"> to the head through PageMeta.WithHead.
func Push(p PushPage) templ.Component {
	switch p.state() {
	case PushApproved:
		p.Meta = p.Meta.withTitle("Guardian app added")
	case PushRejected:
		p.Meta = p.Meta.withTitle("Guardian app not added")
	case PushExpired:
		p.Meta = p.Meta.withTitle("Setup timed out")
	default:
		p.Meta = p.Meta.withTitle("Set up the Auth0 Guardian app")
		if p.RefreshSeconds > 0 {
			p.Meta = p.Meta.WithHead(pageRefresh(p.RefreshSeconds, p.RefreshURL))
		}
	}
	return p.Meta.Wrap(pushBody(p))
}

// RecoveryCode is the default RecoveryCodePage.
func RecoveryCode(p RecoveryCodePage) templ.Component {
	if p.Code != "" {
		p.Meta = p.Meta.withTitle("Save your recovery code")
	} else {
		p.Meta = p.Meta.withTitle("Your method is set up")
	}
	return p.Meta.Wrap(recoveryBody(p))
}

// Remove is the default RemovePage.
func Remove(p RemovePage) templ.Component {
	if p.Blocked {
		p.Meta = p.Meta.withTitle("You can't remove this method")
	} else {
		p.Meta = p.Meta.withTitle("Remove this method?")
	}
	return p.Meta.Wrap(removeBody(p))
}

// ConfirmAction is the default ConfirmActionPage: after the step-up of a host action, what the
// user was doing and Continue, which completes it (once).
func ConfirmAction(p ConfirmActionPage) templ.Component {
	p.Meta = p.Meta.withTitle("Confirm what you were doing")
	return p.Meta.Wrap(confirmActionBody(p))
}

// Rename is the default RenamePage.
func Rename(p RenamePage) templ.Component {
	p.Meta = p.Meta.withTitle("Name this method")
	return p.Meta.Wrap(renameBody(p))
}

// StepUp is the default StepUpPage.
func StepUp(p StepUpPage) templ.Component {
	p.Meta = p.Meta.withTitle("Confirm it's you again")
	return p.Meta.Wrap(stepUpBody(p))
}

// Error is the default ErrorPage. p.Title, when set, is the heading and the <title>.
func Error(p ErrorPage) templ.Component {
	if p.Title != "" {
		p.Meta.Title = p.Title
	}
	p.Meta = p.Meta.withTitle("Something went wrong")
	return p.Meta.Wrap(errorBody(p))
}

// ChildrenLayout adapts a host layout written with { children... } (it receives the page body
// as its children). Such a layout does not see PageMeta, so it cannot render HeadExtra: the
// push page then does not refresh by itself, and the user uses its "Check now" link.
func ChildrenLayout(layout templ.Component) Layout {
	return func(_ PageMeta, body templ.Component) templ.Component {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return layout.Render(templ.WithChildren(ctx, body), w)
		})
	}
}

func (p PushPage) state() PushState {
	switch p.State {
	case PushApproved, PushRejected, PushExpired:
		return p.State
	}
	return PushWaiting
}

func (p ErrorPage) next() Action {
	if !p.Next.IsZero() {
		return p.Next
	}
	if p.Meta.BasePath != "" {
		return Action{Href: templ.SafeURL(p.Meta.BasePath)}
	}
	return Action{Href: "/"}
}

func (q QR) withLabel(def string) QR {
	if q.Label == "" {
		q.Label = def
	}
	return q
}

func (c CodeInput) withLabel(def string) CodeInput {
	if c.Label == "" {
		c.Label = def
	}
	return c
}

func choiceVariant(k Kind) string {
	if k == KindTOTP {
		return "primary"
	}
	return "secondary"
}

func recoveryIcon(hasFactors bool) string {
	if hasFactors {
		return "alert"
	}
	return "info"
}

func recoveryHelp(r RecoveryStatus, hasFactors bool) string {
	switch {
	case r.Help != "":
		return r.Help
	case r.SetUp:
		return "If you lose access to your other methods, you can sign in with your recovery code. Keep it somewhere safe: we showed it only once."
	case hasFactors && r.Create != nil:
		return "You don't have a recovery code yet. Create one now: it's your way in if you lose your phone or app. We show it only once."
	case hasFactors:
		return "You don't have a recovery code, so losing your phone or app could lock you out. Add a second method as a backup."
	}
	return "You'll get a recovery code when you add your first method. Save it somewhere safe: it's your way in if you lose your phone."
}

func phoneLead(k Kind) string {
	if k == KindVoice {
		return "We'll call this number and read out a 6-digit code to check it's yours."
	}
	return "We'll text a 6-digit code to this number to check it's yours."
}

func phoneSubmit(k Kind) string {
	if k == KindVoice {
		return "Call me"
	}
	return "Send code"
}

func codeSentPrefix(k Kind) string {
	switch k {
	case KindVoice:
		return "We're calling "
	case KindEmail:
		return "We sent a 6-digit code to "
	}
	return "We sent a 6-digit code by text message to "
}

func codeSentFallback(k Kind) string {
	switch k {
	case KindVoice:
		return "your phone to read out a 6-digit code."
	case KindEmail:
		return "your email address."
	}
	return "your phone."
}

func codeMissingTitle(k Kind) string {
	if k == KindVoice {
		return "Missed the call?"
	}
	return "Didn't get a code?"
}

func codeMissingHelp(k Kind) string {
	switch k {
	case KindVoice:
		return "Make sure your phone can take calls, then ask for another call."
	case KindEmail:
		return "Check your spam folder, then ask for a new code. Only the newest code works."
	}
	return "Messages can take a minute. If it still hasn't arrived, ask for a new code. Only the newest code works."
}

func resendLabel(k Kind) string {
	if k == KindVoice {
		return "Call me again"
	}
	return "Send a new code"
}

func noCodeMessage(p RecoveryCodePage) string {
	if p.Message != "" {
		return p.Message
	}
	switch p.Reason {
	case NoCodeEarlier:
		return "A recovery code is only issued with your first setup, and it went to an earlier setup that wasn't finished, so we can't show one now. So that you can't be locked out, add a second method as a backup."
	case NoCodeDisabled:
		return "This site doesn't use recovery codes. So that you can't be locked out if you lose this method, add a second one as a backup."
	case NoCodeLater:
		return "Your recovery code isn't ready yet: only a few changes to your sign-in methods are allowed each minute. In a minute, create it on your security page with “Create a recovery code”."
	}
	return "So that you can't be locked out if you lose this method, add a second one as a backup."
}
