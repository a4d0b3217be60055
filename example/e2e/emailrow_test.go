package e2e

import (
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestDemoUsersEmailRow (first-hour review: the demo user's email row offered Remove, which
// ended in an error): Auth0 lists an account's verified email as a method and does not delete
// it. The demo user sees the row with the reason it stays, and no Remove beside it.
func TestDemoUsersEmailRow(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.user = auth0test.User{ID: "auth0|demo-alice", Email: "alice@example.com", Password: "alice-demo-password"}
	b := newTab(t)
	e.signInToList(b)
	b.mustContain("alic*@exam*******", "Your account's email: can't be removed here")
	if n := b.count(`a[href^="/account/mfa/remove?id=email"]`); n != 0 {
		t.Fatalf("the list offers Remove for the account's verified email (%d links)", n)
	}
	b.check("list (the account's email)")
}
