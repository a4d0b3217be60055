package mfahandler_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// smsStart starts an SMS enrollment to number and returns the answer (not followed).
func smsStart(t *testing.T, b *browser, number string) page {
	t.Helper()
	return b.post(b.e.app.URL+"/account/mfa/enroll/sms", url.Values{"phone_number": {number}})
}

// Review finding 3: one user got 5 codes in 10 minutes and 33 in 24 hours. With the default
// limits a user trying as hard as they can gets at most 3 in any 10 minutes and 10 a day.
func TestDefaultSendLimitsPerUser(t *testing.T) {
	t.Parallel()
	limits := mfahandler.DefaultLimits()
	limits.Enrollments = limiter.Rule{Name: "enrollments", Burst: 1000, Refill: time.Second} // only the send limits under test
	limits.DestinationSends = limiter.Rule{Name: "destination_sends", Burst: 1000, Refill: time.Second}
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimits(limits)}, myAccount: myAccount})
		b := e.browser(bob)
		b.stepUp()
		var sent []time.Time
		start := e.clock.Now()
		for e.clock.Now().Sub(start) < 24*time.Hour {
			for range 4 { // as fast as the user can click
				mark := e.up.mark()
				p := smsStart(t, b, "+14155552671")
				if p.status == http.StatusSeeOther && e.isAuthorize(p.location(t)) { // the token ran out: step up again
					e.emu.QueueLogin(bob)
					b.follow(p)
					continue
				}
				if e.up.count(mark, http.MethodPost, e.enrollPath()) == 1 {
					sent = append(sent, e.clock.Now())
				}
			}
			step := 5 * time.Minute
			if e.clock.Now().Sub(start) < 30*time.Minute {
				step = time.Minute
			}
			e.clock.Advance(step)
		}
		for i := range sent {
			in10, inDay := 0, 0
			for _, s := range sent[i:] {
				if s.Sub(sent[i]) < 10*time.Minute {
					in10++
				}
				if s.Sub(sent[i]) < 24*time.Hour {
					inDay++
				}
			}
			if in10 > 3 || inDay > 10 {
				t.Fatalf("from %v: %d codes within 10 minutes, %d within a day (want ≤ 3 and ≤ 10)", sent[i].Sub(start), in10, inDay)
			}
		}
		if len(sent) < 10 {
			t.Errorf("only %d codes in a day: the limits are tighter than documented", len(sent))
		}
	})
}

// Review finding 3, continued: codes to one number are limited whoever asks (a number bombed
// through many accounts), and the app's total is limited (toll fraud).
func TestSendLimitsPerDestinationAndTenant(t *testing.T) {
	t.Parallel()
	t.Run("one number, many accounts", func(t *testing.T) {
		t.Parallel()
		forEachBackend(t, func(t *testing.T, myAccount bool) {
			e := newEnv(t, envConfig{myAccount: myAccount})
			sent := 0
			for i := range 5 {
				u, err := e.emu.AddUser(newUser(i))
				if err != nil {
					t.Fatal(err)
				}
				b := e.browser(u.ID)
				b.stepUp()
				mark := e.up.mark()
				p := smsStart(t, b, "+14155550199")
				sent += e.up.count(mark, http.MethodPost, e.enrollPath())
				if sent > 3 {
					t.Fatalf("account %d sent the %dth code to one number within a minute", i+1, sent)
				}
				if i >= 3 && p.status != http.StatusTooManyRequests {
					t.Errorf("account %d: %d, want 429 for a number that got 3 codes", i+1, p.status)
				}
			}
			if sent != 3 {
				t.Errorf("%d codes to one number, want 3 before the limit", sent)
			}
		})
	})
	t.Run("the app's total", func(t *testing.T) {
		t.Parallel()
		limits := mfahandler.DefaultLimits()
		limits.TenantSends = limiter.Rule{Name: "tenant_sends", Burst: 2, Refill: time.Hour}
		forEachBackend(t, func(t *testing.T, myAccount bool) {
			e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimits(limits)}, myAccount: myAccount})
			for i := range 3 {
				u, err := e.emu.AddUser(newUser(10 + i))
				if err != nil {
					t.Fatal(err)
				}
				b := e.browser(u.ID)
				b.stepUp()
				p := smsStart(t, b, "+1415555020"+strconv.Itoa(i))
				if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusSeeOther}[i == 2]; p.status != want {
					t.Errorf("user %d: %d, want %d", i+1, p.status, want)
				}
			}
		})
	})
}

// Review finding 6: a start refused by the send limit spent an enrollment attempt too, so the
// wait it announced grew from one try to the next (720 s, then 1,080 s). Every limit is
// checked before any is spent: the refusal names the real wait, and nothing else is used up.
func TestRefusedStartSpendsNothing(t *testing.T) {
	t.Parallel()
	limits := mfahandler.DefaultLimits()
	limits.Enrollments = limiter.Rule{Name: "enrollments", Burst: 2, Refill: time.Hour}
	limits.Sends = limiter.Rule{Name: "sends", Burst: 1, Refill: 12 * time.Minute}
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimits(limits)}, myAccount: myAccount})
		b := e.browser(bob)
		b.stepUp()
		if p := smsStart(t, b, "+14155552671"); p.status != http.StatusSeeOther {
			t.Fatalf("first start: %d", p.status)
		}
		for i := range 4 {
			p := smsStart(t, b, "+14155552671")
			if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != "720" {
				t.Fatalf("refused start %d: %d, Retry-After %q; want 429 and the send limit's 720", i+1, p.status, p.header.Get("Retry-After"))
			}
		}
		// The enrollment budget is intact: after the send limit's wait, a start works (one left).
		e.clock.Advance(12 * time.Minute)
		e.emu.QueueLogin(bob)
		b.stepUp()
		if p := smsStart(t, b, "+14155552671"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/enroll/code" {
			t.Fatalf("start after the wait: %d %q; the refusals spent enrollment attempts", p.status, p.header.Get("Location"))
		}
	})
}

func newUser(i int) auth0test.User {
	return auth0test.User{Email: "user" + strconv.Itoa(i) + "@example.com", Password: "pw"}
}
