package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused describes document.activeElement.
type focused struct {
	Tag     string `json:"tag"`
	ID      string `json:"id"`
	Type    string `json:"type"`
	Action  string `json:"action"` // the action of the element's form
	Text    string `json:"text"`
	Checked bool   `json:"checked"`
	Value   string `json:"value"`
}

const focusedJS = `(() => {
  const e = document.activeElement || document.body;
  const f = e.closest ? e.closest('form') : null;
  const form = e.form || f;
  return {tag: e.tagName, id: e.id || '', type: e.type || '', action: form ? (form.getAttribute('action') || '') : '',
          text: (e.innerText || '').trim().slice(0, 80), checked: !!e.checked, value: e.value || ''};
})()`

func (b *tab) focused() focused {
	b.t.Helper()
	return run(b, "focused element", chromedp.Evaluate[focused](focusedJS))
}

// tabTo presses Tab until the focused element matches, at most 60 times.
func (b *tab) tabTo(what string, match func(focused) bool) focused {
	b.t.Helper()
	for range 60 {
		if f := b.focused(); match(f) {
			return f
		}
		b.key("Tab towards "+what, kb.Tab)
	}
	b.t.Fatalf("Tab never reached %s; focus is on %+v", what, b.focused())
	return focused{}
}

// TestKeyboardOnlyTOTP adds an authenticator app from the list page with the keyboard alone:
// Tab to the "Set up" button, Enter; reach the code field, type the code, Enter; Tab to the
// "I have saved it" checkbox, Space; Tab to Continue, Enter. No clicks. The skip link is the
// first stop.
func TestKeyboardOnlyTOTP(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)
	b.navigate(e.url("/account/mfa/")) // a fresh page: focus starts at the document

	b.key("first Tab", kb.Tab)
	if f := b.focused(); f.Tag != "A" || f.Text != "Skip to main content" {
		t.Fatalf("the first Tab stop is %+v, want the skip link", f)
	}
	b.tabTo(`the authenticator app's "Set up" button`, func(f focused) bool {
		return f.Tag == "BUTTON" && f.Action == "/account/mfa/enroll/totp"
	})
	b.keyLoad("Enter on Set up", kb.Enter)
	b.mustBeAt(`^/account/mfa/enroll/totp$`)

	// An authenticator app gets the key from the page (as a person types it from the screen).
	key, err := decodeBase32Secret(b.attr("#mfa-secret", "data-mfa-value"))
	if err != nil {
		t.Fatal(err)
	}
	o := otpauth{Secret: key, Digits: 6, Period: 30 * time.Second}
	b.tabTo("the code field", func(f focused) bool { return f.ID == "mfa-code" })
	b.key("type the code", o.code(e.clk.Now()))
	if f := b.focused(); f.Value != o.code(e.clk.Now()) {
		t.Fatalf("the code field holds %q after typing", f.Value)
	}
	b.keyLoad("Enter in the code field", kb.Enter)
	b.mustBeAt(`^/account/mfa/recovery-code$`)

	b.tabTo("the saved checkbox", func(f focused) bool { return f.ID == "mfa-saved" })
	b.key("Space on the checkbox", " ")
	if !b.focused().Checked {
		t.Fatal("Space did not tick the checkbox")
	}
	b.tabTo("Continue", func(f focused) bool {
		return f.Tag == "BUTTON" && f.Action == "/account/mfa/recovery-code"
	})
	b.keyLoad("Enter on Continue", kb.Enter)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Authenticator app", "Your authenticator app was added.")
	b.check("list (added with the keyboard)")
	mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
}
