package mfahandler_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestMyAccountSetupEndedByAuth0: Auth0 refuses an app's setup because its auth_session is
// over (it may live shorter than the handler's guess): nothing can be sent anew, so the user
// is told the setup is no longer in progress and starts again — not asked for a new code a
// TOTP setup cannot send — and the enrollment, with its secret, leaves the session.
func TestMyAccountSetupEndedByAuth0(t *testing.T) {
	t.Parallel()
	var refuse atomic.Bool
	answer := func(req *http.Request) *http.Response {
		if !refuse.Load() || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/verify") {
			return nil
		}
		body := `{"type":"https://auth0.com/api-errors/A0E-400-0003","status":400,"title":"Bad Request","detail":"auth_session has expired. Start the enrollment again."}`
		return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/problem+json"}},
			ContentLength: int64(len(body)), Body: io.NopCloser(strings.NewReader(body)), Request: req}
	}
	e := newEnv(t, envConfig{myAccount: true, answer: answer})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	refuse.Store(true)
	p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	if p.url.Path != "/account/mfa/" {
		t.Fatalf("an ended setup left the user on %s\n%s", p.url, p.body)
	}
	mustContain(t, p, "no longer in progress")
	mustNotContain(t, p, "Send a new code")
	if _, held := e.sessionValues(b.cookie())["mfa.pending"]; held {
		t.Error("the ended enrollment (its TOTP secret) is still in the session")
	}
	if len(activeIDs(e, bob, "totp|")) != 0 {
		t.Fatal("an app was added")
	}
}
