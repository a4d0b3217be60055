package mfahandler

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// Status is what selfmfa last saw of a user's sign-in methods, for the host to ask on any page
// (Handler.Status): it is kept from the last list the security page read, for the bound set by
// WithStatus, and never makes the user sign in again. Known is false when there is nothing
// that recent: on the MFA API, before the user's first visit to the security page.
type Status struct {
	Known    bool
	Factors  []Factor // the kinds of second factor the user has, each once
	Count    int      // how many (a phone counts once; the account's own email does not count)
	Recovery bool     // the user has a recovery code
	Seen     time.Time
}

// HasFactor reports whether the user is known to have a second factor.
func (s Status) HasFactor() bool { return s.Known && s.Count > 0 }

// DefaultStatusMaxAge is how long a status is kept when WithPolicy turns it on and WithStatus
// does not say otherwise.
const DefaultStatusMaxAge = 30 * 24 * time.Hour

// WithStatus keeps each user's Status for maxAge after the list that showed it, in the
// limiter (WithLimiter shares it between instances). Off by default: it costs a limiter
// write now and then on the list page. WithPolicy turns it on.
func WithStatus(maxAge time.Duration) Option { return func(o *options) { o.statusMaxAge = maxAge } }

// Status returns what selfmfa last saw of the signed-in user's methods: Known false when
// there is nothing within the WithStatus bound (or status is off), or no user is signed in.
func (h *Handler) Status(r *http.Request) (Status, error) {
	sub, ok := h.cfg.CurrentUser(r)
	if !ok || sub == "" || h.opts.statusMaxAge <= 0 {
		return Status{}, nil
	}
	raw, seen, ok, err := h.svc.Ledger.Status(r.Context(), sub)
	if err != nil || !ok || h.opts.now().Sub(seen) >= h.opts.statusMaxAge {
		return Status{}, err
	}
	return decodeStatus(string(raw), seen), nil
}

// recordStatus keeps the status the list inv shows (errors are logged: the page goes on).
func (h *Handler) recordStatus(r *http.Request, sub string, inv *enroll.Inventory) {
	if h.opts.statusMaxAge <= 0 || sub == "" {
		return
	}
	if err := h.svc.Ledger.RecordStatus(r.Context(), sub, []byte(encodeStatus(inv)), h.opts.now(), h.opts.statusMaxAge); err != nil {
		h.logger().Warn("mfahandler: could not keep the user's status", "error", err.Error())
	}
}

// encodeStatus is "kind,kind,…|recovery": one kind per method, 1 or 0.
func encodeStatus(inv *enroll.Inventory) string {
	var b strings.Builder
	n := 0
	for _, m := range inv.Methods {
		if m.Fixed { // the account's own email: listed by Auth0, never added by the user
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(enroll.GroupFactor(m)))
		n++
	}
	if inv.RecoveryActive {
		b.WriteString("|1")
	} else {
		b.WriteString("|0")
	}
	return b.String()
}

func decodeStatus(s string, seen time.Time) Status {
	kinds, rec, _ := strings.Cut(s, "|")
	st := Status{Known: true, Recovery: rec == "1", Seen: seen}
	for k := range strings.SplitSeq(kinds, ",") {
		if k == "" {
			continue
		}
		st.Count++
		if f := Factor(k); !slices.Contains(st.Factors, f) {
			st.Factors = append(st.Factors, f)
		}
	}
	return st
}
