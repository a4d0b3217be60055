package mfahandler

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/views"
)

// Policy says which users must add a second sign-in step, and how long they have: the host's
// own prompt, at a moment it chooses, instead of Auth0's enrollment page at login.
//
//	mfa, _ := mfahandler.New(cfg, mfahandler.WithPolicy(mfahandler.Policy{
//		Required: func(r *http.Request) bool { return isStaff(r) },
//		Grace:    14 * 24 * time.Hour,
//	}))
//	mux.Handle("/admin/", mfa.RequireMFA(adminPages)) // after the deadline: to the security page and back
//	// in the layout: @mfa.Nudge(r) shows "Add a second sign-in step by 14 March"
type Policy struct {
	// Required reports whether the signed-in user of r must have a second factor (nil: all).
	Required func(r *http.Request) bool
	// Grace is the time from the first request on which Required said yes to the user's
	// deadline. The deadline is set once per user in the limiter: signing in again, deleting
	// cookies, another browser or Required flipping off and on never moves it.
	Grace time.Duration
}

// WithPolicy sets the policy of Handler.Deadline, Handler.RequireMFA and Handler.Nudge, and
// keeps each user's Status (DefaultStatusMaxAge unless WithStatus says otherwise).
func WithPolicy(p Policy) Option { return func(o *options) { o.policy = &p } }

// Policy marks' lifetimes.
const (
	// NudgeSnooze is how long "Remind me later" puts the nudge off (never past the deadline).
	NudgeSnooze = 3 * 24 * time.Hour
	// deadlineKept is how long a deadline is kept after it passed: ten years, so that no user
	// outlives it by waiting (a flag of a few bytes per user the policy ever required).
	deadlineKept = 10 * 365 * 24 * time.Hour
)

// Deadline returns the signed-in user's deadline under the policy, setting it (now + Grace)
// the first time the policy requires a factor of them; required reports whether it does now.
// Without WithPolicy, or for a user it does not require, the deadline is only read (zero when
// none was ever set).
func (h *Handler) Deadline(r *http.Request) (deadline time.Time, required bool, err error) {
	sub, ok := h.cfg.CurrentUser(r)
	p := h.opts.policy
	if !ok || sub == "" || p == nil {
		return time.Time{}, false, nil
	}
	if p.Required != nil && !p.Required(r) {
		d, _, err := h.svc.Ledger.PeekDeadline(r.Context(), sub)
		return d, false, err
	}
	now := h.opts.now()
	d, err := h.svc.Ledger.Deadline(r.Context(), sub, now, now.Add(p.Grace), deadlineKept)
	return d, err == nil, err
}

// RequireMFA protects host routes with the policy: a signed-in user it requires, whose
// deadline has passed and who is not known to have a second factor (Status), is sent to the
// security page with a sentence saying why; once they have one, that page offers to continue
// where they were (a GET is resumed; a POST is never replayed). Before the deadline, and for
// users the policy does not require, next serves as usual (and without WithPolicy, always).
// A limiter failure lets the request through and is logged: the policy is a deadline for
// adding a factor, not the check of one.
func (h *Handler) RequireMFA(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.overdue(w, r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if p, ok := localPath(r.URL.RequestURI()); ok {
				sub, _ := h.cfg.CurrentUser(r)
				_ = h.save(w, r, keyResume, resumeRecord{Sub: sub, Path: p})
			}
		}
		_ = h.flash(w, r, "info", mPolicyOverdue)
		seeOther(w, h.path("/"))
	})
}

// overdue reports whether the policy sends r's user to the security page now.
func (h *Handler) overdue(w http.ResponseWriter, r *http.Request) bool {
	if h.opts.policy == nil {
		return false
	}
	has, err := h.hasFactor(r)
	if err == nil && has {
		return false
	}
	d, required, derr := h.Deadline(r)
	if err = errors.Join(err, derr); err != nil {
		h.logger().Error("mfahandler: the policy could not be checked; the request goes through", "error", err.Error())
		return false
	}
	return required && !h.opts.now().Before(d)
}

// hasFactor reports whether r's user is known to have a second factor: their Status says so
// (what the security page saw is final), or, when it is unknown, a login of this session within
// WithMaxAge passed one (the step-up's or the host's own adopted token, or WithRecentMFA) —
// which only a user with a factor can do, so the nudge does not show to them even before the
// security page has listed their methods.
func (h *Handler) hasFactor(r *http.Request) (bool, error) {
	st, err := h.Status(r)
	if err != nil || st.Known {
		return st.HasFactor(), err // what the security page saw wins over any login
	}
	sub, _ := h.cfg.CurrentUser(r)
	now := h.opts.now()
	var t tokenRecord
	if h.load(r, keyToken, &t) == nil && t.Sub == sub && t.MFA && now.Before(t.Expiry) && now.Sub(t.AuthTime) <= h.opts.maxAge {
		return true, nil
	}
	if h.opts.recentMFA != nil {
		if at := h.opts.recentMFA(r); !at.IsZero() && now.Sub(at) <= h.opts.maxAge {
			return true, nil
		}
	}
	return false, nil
}

// Nudge is the reminder for the host's layout: shown to a user the policy requires who is not
// known to have a second factor and did not put it off (NudgeSnooze), and empty otherwise.
// It links to the security page; "Remind me later" is a plain form that returns to r's page.
func (h *Handler) Nudge(r *http.Request) templ.Component {
	sub, ok := h.cfg.CurrentUser(r)
	if !ok || sub == "" || h.opts.policy == nil {
		return templ.NopComponent
	}
	if has, err := h.hasFactor(r); err != nil || has {
		return templ.NopComponent
	}
	d, required, err := h.Deadline(r)
	if err != nil || !required {
		return templ.NopComponent
	}
	overdue := !h.opts.now().Before(d)
	if snoozed, err := h.svc.Ledger.NudgeSnoozed(r.Context(), sub); err != nil || (snoozed && !overdue) {
		return templ.NopComponent
	}
	props := views.NudgeProps{Classes: h.classes, Deadline: d, Overdue: overdue, SetUp: safeURL(h.path("/"))}
	if !overdue {
		ret, _ := localPath(r.URL.RequestURI())
		props.Dismiss = h.formPtr(r, "/nudge/dismiss", "return", ret)
	}
	return h.views.Nudge(props)
}

// nudgeDismiss is "Remind me later": POST {base}/nudge/dismiss, back to the page it was on.
func (h *Handler) nudgeDismiss(w http.ResponseWriter, r *request) error {
	snooze := NudgeSnooze
	if d, required, err := h.Deadline(r.Request); err == nil && required {
		snooze = min(snooze, d.Sub(h.opts.now()))
	}
	if snooze > 0 {
		if err := h.svc.Ledger.SnoozeNudge(r.Context(), r.sub, snooze); err != nil {
			return err
		}
	}
	back, ok := localPath(formValue(r, "return"))
	if !ok {
		back = "/"
	}
	return seeOther(w, back)
}

// resumeAction is the security page's "Continue where you were" for a user RequireMFA sent
// there, once they have a factor; it is offered once.
func (h *Handler) resumeAction(w http.ResponseWriter, r *http.Request, hasFactor bool) views.Action {
	if !hasFactor {
		return views.Action{}
	}
	var rec resumeRecord
	if err := h.load(r, keyResume, &rec); err != nil {
		return views.Action{}
	}
	_ = h.drop(w, r, keyResume)
	if sub, _ := h.cfg.CurrentUser(r); rec.Sub != sub {
		return views.Action{} // another user's way back (a shared browser)
	}
	if p, ok := localPath(rec.Path); ok {
		return views.Action{Label: h.t(r, lContinueWhere), Href: safeURL(p)}
	}
	return views.Action{}
}

// resumeRecord is where RequireMFA sent a user from.
type resumeRecord struct {
	Sub  string `json:"sub"`
	Path string `json:"path"`
}

// localPath accepts a path on this site ("/settings?tab=2"), never another host or scheme.
func localPath(p string) (string, bool) {
	if len(p) > 1024 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\x00\r\n\t") {
		return "", false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", false
	}
	return p, true
}
