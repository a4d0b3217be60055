package mfahandler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// BenchmarkPolicyOnEveryPage measures what a host pays per page for the policy toolkit, on
// the default in-memory limiter, for a user whose status the list page recorded (an app, a
// phone, an email, a recovery code): Status alone, and Nudge (it reads the status, then renders
// nothing), beside a host page that calls neither — the whole host stack (scs session load and
// save) in each. Compare them in one run, benchstat over -count 6.
func BenchmarkPolicyOnEveryPage(b *testing.B) {
	st := newBenchStackOn(b, nil, false, mfahandler.WithPolicy(mfahandler.Policy{Grace: 14 * 24 * time.Hour}))
	if rec := st.do(http.MethodGet, "/account/mfa/", ""); rec.Code != http.StatusOK {
		b.Fatalf("list: %d", rec.Code)
	}
	for _, page := range []string{"plain", "status", "nudge"} {
		b.Run(page, func(b *testing.B) {
			rec := st.do(http.MethodGet, "/bench/"+page, "")
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "hello") || strings.Contains(rec.Body.String(), "mfa-nudge") {
				b.Fatalf("%s: %d %s", page, rec.Code, rec.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				st.do(http.MethodGet, "/bench/"+page, "")
			}
		})
	}
}
