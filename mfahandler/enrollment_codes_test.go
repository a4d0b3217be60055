package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Review finding 5: the limit of wrong codes per enrollment lived in the session, so requests
// that write an older copy of the session back (a body sent late, a second tab) reset it.
// Replaying the pre-failure session before every attempt must not let more than the limit
// reach Auth0.
func TestEnrollmentCodeLimitSurvivesStaleSessions(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		b := e.browser(bob)
		b.stepUp()
		setup, secret := startTOTP(t, b)
		token := b.cookie()
		blob, _ := e.storeBlob(token) // the session as it was before any wrong code
		v := url.Values{"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {rbWrongCode(t, secret, e.clock.Now())}}
		mark := e.up.mark()
		for i := range 8 {
			if err := e.sm.Store.Commit(token, blob, e.clock.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			p := b.post(e.app.URL+"/account/mfa/enroll/confirm", v)
			if p.status != http.StatusSeeOther {
				t.Fatalf("attempt %d: %d", i+1, p.status)
			}
		}
		if n := e.confirmCalls(mark); n != 5 {
			t.Fatalf("%d wrong codes of one enrollment reached Auth0; want the limit, 5", n)
		}
		if ids := pendingIDs(e, bob); len(ids) != 0 {
			t.Errorf("the enrollment was not cancelled at its limit: %v pending", ids)
		}
	})
}
