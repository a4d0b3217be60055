package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	accountEmailRow  = "Your account&#39;s email: can&#39;t be removed here"
	accountEmailPage = "This email address is your account&#39;s verified email and can&#39;t be removed here."
)

// emailRemoveID returns the id in the list's Remove link of an email method, or "".
func emailRemoveID(p page) string {
	_, rest, ok := strings.Cut(p.body, "/account/mfa/remove?id=email%7C")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, `"`)
	return "email|" + id
}

// TestAccountEmailIsNotOffered (first-hour review: the demo user's email row offered Remove,
// which ended in an error): Auth0 lists an account's verified email as an email authenticator
// and does not delete it. The login's ID token names the verified email; the row under its
// masked name says why it stays, the confirmation page offers no Remove, and a forged POST
// changes nothing without asking Auth0.
func TestAccountEmailIsNotOffered(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(alice) // alice's email is verified
	list := b.stepUp()
	wantStatus(t, "list", list, http.StatusOK)
	mustContain(t, list, "alic*@exam*******", accountEmailRow)
	if id := emailRemoveID(list); id != "" {
		t.Fatalf("the list offers Remove for the account's email %s", id)
	}
	var emailID string
	for _, a := range e.emu.Authenticators(alice) {
		if a.OOBChannel == "email" {
			emailID = a.ID
		}
	}
	confirm := b.open("/account/mfa/remove?id=" + url.QueryEscape(emailID))
	mustContain(t, confirm, accountEmailPage)
	mustNotContain(t, confirm, ">Remove</button>")
	mark := e.up.mark()
	f := form{action: "/account/mfa/remove", values: url.Values{"id": {emailID}}}
	done := b.submitForm(list, f, nil)
	mustContain(t, done, accountEmailPage)
	if n := e.up.count(mark, http.MethodDelete, "/mfa/authenticators/"); n != 0 {
		t.Errorf("the forged removal asked Auth0 to delete the account's email (%d calls)", n)
	}
	if len(e.emu.Authenticators(alice)) == 0 {
		t.Fatal("the account's email is gone")
	}
}

// TestRefusedEmailIsNotOfferedAgain: when the login did not name the verified email (a host's
// token without the email scope), Auth0's refusal to delete it is remembered: the user is told
// why, and the row is never offered for removal again.
func TestRefusedEmailIsNotOfferedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	adopted := hostLoginAs(t, e, alice, e.h.Audience(), []string{"openid", "enroll", "read:authenticators", "remove:authenticators"})
	b := e.browser("")
	b.sub = alice
	e.emu.QueueLogin(alice)
	b.open("/test/login")
	if err := adopted(); err != nil {
		t.Fatalf("AdoptToken: %v", err)
	}
	list := b.open("/account/mfa/")
	id := emailRemoveID(list)
	if id == "" {
		t.Fatalf("without the verified email in the token, the row should still offer Remove:\n%s", list.body)
	}
	done := b.submitForm(list, form{action: "/account/mfa/remove", values: url.Values{"id": {id}}}, nil)
	mustContain(t, done, accountEmailPage)
	mustContain(t, done, accountEmailRow)
	if again := emailRemoveID(done); again != "" {
		t.Fatalf("after Auth0 refused, the list offers Remove again for %s", again)
	}
	mark := e.up.mark()
	b.submitForm(done, form{action: "/account/mfa/remove", values: url.Values{"id": {id}}}, nil)
	if n := e.up.count(mark, http.MethodDelete, "/mfa/authenticators/"); n != 0 {
		t.Errorf("a second removal asked Auth0 again (%d calls)", n)
	}
}
