package mfahandler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestPushCompanion: Auth0 gives the OTP that comes with a push an id of its own and deletes
// the two together. A push enrolled here is listed as one device (its OTP recorded at the
// start), and removing it removes both; a push enrolled elsewhere, whose OTP nobody recorded,
// is shown alone, and the authenticator app that might be its OTP warns before removal.
func TestPushCompanion(t *testing.T) {
	t.Parallel()
	t.Run("enrolled here", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		b.stepUp()
		_, id := startPush(t, b)
		if err := e.emu.ApprovePush(id); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(5 * time.Second)
		list := finishRecovery(t, b, b.follow(b.poll()))
		otps := activeIDs(e, bob, "totp|")
		pushes := activeIDs(e, bob, "push|")
		if len(otps) != 1 || len(pushes) != 1 || strings.TrimPrefix(otps[0], "totp|") == strings.TrimPrefix(pushes[0], "push|") {
			t.Fatalf("the tenant should list a push and an OTP with ids of their own: %v %v", pushes, otps)
		}
		if n := strings.Count(list.body, "/account/mfa/remove?id="); n != 1 || strings.Count(list.body, "<bdi>Authenticator app</bdi>") != 0 {
			t.Errorf("the push's own OTP is listed as an authenticator app:\n%s", list.body)
		}
		if p := b.open("/account/mfa/remove?id=" + otps[0]); p.status != http.StatusOK ||
			!strings.Contains(p.body, "Auth0 Guardian app") || strings.Contains(p.body, "<bdi>Authenticator app</bdi>") {
			t.Errorf("removal page of the push's OTP: %d, want the Guardian device's page (it is not an app of its own):\n%s", p.status, p.body)
		}
		confirm := b.open("/account/mfa/remove?id=" + pushes[0])
		mustContain(t, confirm, "removing it turns off both")
		b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
		if left := e.emu.Authenticators(bob); len(activeKinds(left, "push", "totp")) != 0 {
			t.Errorf("after removing the push the tenant still lists %v", left)
		}
	})
	t.Run("enrolled elsewhere", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorPush, auth0test.SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.stepUp()
		list := b.open("/account/mfa/")
		mustContain(t, list, "<bdi>Auth0 Guardian app</bdi>", "<bdi>Authenticator app</bdi>")
		otp := activeIDs(e, bob, "totp|")[0]
		confirm := b.open("/account/mfa/remove?id=" + otp)
		mustContain(t, confirm, "If these codes come from the Guardian app, removing them also turns off sign-in notifications")
	})
	t.Run("an app of its own beside a recorded push", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.stepUp()
		_, id := startPush(t, b)
		if err := e.emu.ApprovePush(id); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(5 * time.Second)
		b.follow(b.poll())
		list := b.open("/account/mfa/")
		if n := strings.Count(list.body, "/account/mfa/remove?id="); n != 2 {
			t.Errorf("%d remove links, want 2 (the app and the Guardian device)", n)
		}
		app := activeIDs(e, bob, "totp|")
		for _, id := range app {
			if p := b.open("/account/mfa/remove?id=" + id); p.status == http.StatusOK {
				if strings.Contains(p.body, "If these codes come from the Guardian app") {
					t.Errorf("the user's own app warns about a push whose codes are known:\n%s", p.body)
				}
			}
		}
	})
}

// activeKinds lists the active authenticators of the given kinds.
func activeKinds(list []auth0test.Authenticator, kinds ...string) []string {
	var out []string
	for _, a := range list {
		for _, k := range kinds {
			if a.Active && strings.HasPrefix(a.ID, k+"|") {
				out = append(out, a.ID)
			}
		}
	}
	return out
}
