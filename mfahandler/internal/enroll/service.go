package enroll

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

// Lifecycle rules. Each is one named value.
const (
	// PendingTTL is how long an enrollment stays usable after its last code was sent. Auth0
	// keeps pending authenticators for 24 h, but ASVS 6.4.1 wants activation codes short-lived:
	// 10 minutes (an OOB code lives 5; a TOTP setup page should not linger).
	PendingTTL = 10 * time.Minute
	// PushPollInterval is the least time between two polls of one push enrollment (Auth0
	// answers slow_down when polled faster; its limit is 12 a minute per session).
	PushPollInterval = 5 * time.Second
	// MaxSendsPerEnrollment bounds codes sent for one enrollment (first send included).
	MaxSendsPerEnrollment = 3
	// OOBCodeLife is how long an SMS, voice or email code stays valid at Auth0.
	OOBCodeLife = 5 * time.Minute
	// MinTokenLife is the least token life left for any action; below it the token is renewed.
	MinTokenLife = time.Minute
	// EnrollTokenLife is the least token life left to start an enrollment: an oob_code lives
	// 5 minutes, and the user should be able to finish with the same token.
	EnrollTokenLife = 5 * time.Minute
)

// Limits are the local attempt limits, per user.
type Limits struct {
	CodesPerEnrollment int
	Codes              limiter.Rule
	Sends              limiter.Rule // per user
	SendsDaily         limiter.Rule // per user
	DestinationSends   limiter.Rule // per phone number or email address
	TenantSends        limiter.Rule // for the whole app
	Enrollments        limiter.Rule
}

// Service is the enrollment lifecycle of one handler: pending → claimed → Auth0 call → proof
// that it activated → finished, failed or ended. It is HTTP-free; Begin binds it to one
// request.
type Service struct {
	Backend Backend
	Ledger  *Ledger
	Limits  Limits
	Now     func() time.Time
	Log     *slog.Logger
	// PhoneValidator returns a number in E.164 form, or an error whose text the user sees.
	PhoneValidator func(raw string) (string, error)
	// LastFactorGuard refuses to remove a user's last real factor.
	LastFactorGuard bool

	// recoveryOff is when Auth0 last refused to create a recovery code because the tenant
	// has them off (unix nanoseconds; 0: never): the list then offers none for a while.
	recoveryOff atomic.Int64
}

// TokenFunc returns the request's access token with at least need of life left, or an error
// (typically "a step-up is needed, then come back to resume").
type TokenFunc func(need time.Duration, resume Place) (string, error)

// Tx is one request's view of the lifecycle: the signed-in user, their session records and
// their token.
type Tx struct {
	s   *Service
	ctx context.Context
	sub string
	rec Records
	// token asks for the token (a step-up when there is none); anyToken returns a usable
	// token if the session has one, for best-effort clean-up, else "".
	token    TokenFunc
	anyToken func() string
	// accountEmail is the account's verified email as Auth0 masks it in the list, when the
	// login said it (see KnowAccountEmail).
	accountEmail string
	// held are the locks this request holds until Close: the user's lock covers the session
	// save that follows a step, so a second tab cannot act on the state it has not seen yet.
	held []func()
}

// lockUser takes the user's lock until Close.
func (t *Tx) lockUser() error {
	unlock, err := t.s.Ledger.LockUser(t.ctx, t.sub)
	if err != nil {
		return err
	}
	t.held = append(t.held, unlock)
	return nil
}

// Close releases the locks the request holds. Call it once the response (and with it the
// session) is written.
func (t *Tx) Close() {
	for _, unlock := range t.held {
		unlock()
	}
	t.held = nil
}

// Begin binds the service to one request.
func (s *Service) Begin(ctx context.Context, sub string, rec Records, token TokenFunc, anyToken func() string) *Tx {
	return &Tx{s: s, ctx: ctx, sub: sub, rec: rec, token: token, anyToken: anyToken}
}

func (t *Tx) now() time.Time { return t.s.Now() }

// raw is the session's enrollment at any age (read errors count as none).
func (t *Tx) raw() *Pending {
	p, err := t.rec.Pending()
	if err != nil || p == nil || p.Sub != t.sub || p.ID == "" {
		return nil
	}
	return p
}

// fresh is the session's enrollment if it is still within its lifetime (pendingTTL).
func (t *Tx) fresh() (*Pending, error) {
	p, err := t.rec.Pending()
	if err != nil {
		return nil, err
	}
	if p == nil || p.Sub != t.sub || t.now().Sub(p.Started) > t.pendingTTL() {
		return nil, nil
	}
	return p, nil
}

// setupPlace is where the user continues enrollment p.
func setupPlace(p *Pending) Place { return Place{Kind: AtSetup, Factor: p.Factor} }

// failed is a Failed result.
func failed(err error, resume Place) Result {
	return Result{Outcome: Failed, Err: err, Resume: resume, Factor: resume.Factor}
}

// LockResult maps a LockUser error to a result.
func LockResult(err error) Result {
	if errors.Is(err, ErrBusy) {
		return Result{Outcome: Busy, Err: err}
	}
	return Result{Outcome: Unavailable, Reason: "lock", Err: err}
}

// spend takes one attempt of rule for the user; ok false comes with the result to return.
func (t *Tx) spend(rule limiter.Rule, f Factor) (Result, bool) {
	return t.spendAll(f, t.s.Ledger.UserBudget(rule, t.sub))
}

// spendAll takes one attempt of every budget, or none: each is checked first, so a refusal
// by one spends nothing of the others (and the wait it announces is the real one).
func (t *Tx) spendAll(f Factor, budgets ...Budget) (Result, bool) {
	denied, d, err := t.s.Ledger.SpendAll(t.ctx, budgets...)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err, Factor: f}, false
	}
	if denied != "" {
		return Result{Outcome: LimitHit, Factor: f, Reason: denied, RetryAfter: d.RetryAfter}.
			with(Event{Kind: "limit_hit", Factor: f, Reason: denied}), false
	}
	return Result{}, true
}

// sendBudgets are the budgets a code sent to destination spends.
func (t *Tx) sendBudgets(destination string) []Budget {
	l, L := t.s.Ledger, t.s.Limits
	b := []Budget{l.UserBudget(L.Sends, t.sub), l.UserBudget(L.SendsDaily, t.sub), l.TenantBudget(L.TenantSends)}
	if destination != "" {
		b = append(b, l.DestinationBudget(L.DestinationSends, destination))
	}
	return b
}

// spendWrite spends one write of the backend's per-user write budget, when it has one.
func (t *Tx) spendWrite(f Factor) (Result, bool) { return t.spendWrites(f, 1) }

// spendWrites spends the n writes a step is about to make (a start that first deletes stale
// pending methods, a recovery code's create and verify), or none: when fewer are left, the
// wait it announces is until all n are there, so the step is never half done.
func (t *Tx) spendWrites(f Factor, n int) (Result, bool) {
	wb, ok := t.s.Backend.(WriteBudget)
	if !ok || n <= 0 {
		return Result{}, true
	}
	rule, ok := wb.WriteRule()
	if !ok {
		return Result{}, true
	}
	b := t.s.Ledger.UserBudget(rule, t.sub)
	d, err := t.s.Ledger.PeekBudget(t.ctx, b)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err, Factor: f}, false
	}
	if have := d.Remaining + 1; !d.Allowed || have < n {
		wait := d.RetryAfter + time.Duration(n-1)*rule.Refill
		if d.Allowed {
			wait = time.Duration(n-have) * rule.Refill // an upper bound: the next token may be nearer
		}
		return Result{Outcome: LimitHit, Factor: f, Reason: rule.Name, RetryAfter: wait}.
			with(Event{Kind: "limit_hit", Factor: f, Reason: rule.Name}), false
	}
	for range n {
		if res, ok := t.spendAll(f, b); !ok {
			return res, false
		}
	}
	return Result{}, true
}

// list lists the user's authenticators.
func (t *Tx) list(token string) (*Inventory, error) {
	inv, err := t.s.Backend.List(t.ctx, token)
	if err != nil {
		return nil, err
	}
	inv.AdoptCompanions(t.companions(inv))
	t.markFixed(inv)
	return inv, nil
}

// KnowAccountEmail tells the core the account's verified email, masked as Auth0 masks names in
// the list ("alic*@exam*******"): an email method listed under exactly that name is the
// account's own, which Auth0 lists but does not delete. The address itself is never needed.
func (t *Tx) KnowAccountEmail(masked string) { t.accountEmail = masked }

// markFixed marks the email methods Auth0 will not delete: the account's verified email (by
// its masked name), and any whose deletion Auth0 refused before.
func (t *Tx) markFixed(inv *Inventory) {
	for i := range inv.Methods {
		m := &inv.Methods[i]
		if m.Group != "email" {
			continue
		}
		if t.accountEmail != "" && m.Name == t.accountEmail {
			m.Fixed = true
			continue
		}
		if fixed, err := t.s.Ledger.IsFixed(t.ctx, t.sub, m.IDs[0]); err == nil && fixed {
			m.Fixed = true
		}
	}
}

// deletePending removes pending authenticators; not found means already gone.
func (t *Tx) deletePending(token string, ids []string) error {
	for _, id := range ids {
		if err := t.s.Backend.Delete(t.ctx, token, id); err != nil && ClassOf(err) != ClassNotFound {
			return err
		}
	}
	return nil
}

// forget ends the enrollment in this session without confirming it. A recovery code that came
// with it is held: Auth0 keeps the pending recovery code (it cannot be deleted) and activates
// it with the next confirmed factor, whose enrollment shows it then.
func (t *Tx) forget(p *Pending) error {
	if !p.ended {
		// Best effort: a stale copy of the session that brings it back can then neither
		// confirm nor poll it to success.
		if err := t.s.Ledger.MarkEnded(t.ctx, p.ID); err != nil {
			t.s.Log.Warn("mfahandler: could not mark an enrollment as ended", "error", err.Error())
		}
		p.ended = true
	}
	if p.RecoveryCode != "" {
		if err := t.s.Ledger.HoldCode(t.ctx, t.sub, p.RecoveryCode); err != nil {
			return err
		}
	}
	return t.rec.DropPending()
}

// abandon forgets the enrollment and, best effort, deletes its pending authenticators.
func (t *Tx) abandon(p *Pending) {
	if err := t.forget(p); err != nil {
		t.s.Log.Warn("mfahandler: could not forget a cancelled enrollment", "error", err.Error())
	}
	token := t.anyToken()
	if token == "" {
		return // Auth0 expires pending authenticators after 24 h; the next enrollment cleans up too.
	}
	inv, err := t.list(token)
	if err != nil {
		t.s.Log.Warn("mfahandler: could not list authenticators to clean up a cancelled enrollment", "error", err.Error())
		return
	}
	for _, id := range inv.PendingOf(p.Factor) {
		if err := t.s.Backend.Delete(t.ctx, token, id); err != nil && ClassOf(err) != ClassNotFound {
			t.s.Log.Warn("mfahandler: could not delete a pending authenticator", "error", err.Error())
		}
	}
}

// over answers a request for an enrollment that already ended elsewhere: the session's copy
// is dropped (its recovery code held, as on cancel).
func (t *Tx) over(p *Pending) Result {
	p.ended = true // its claim is already taken
	if err := t.forget(p); err != nil {
		return failed(err, Place{})
	}
	return Result{Outcome: Over, Factor: p.Factor}
}

// dropExpired removes an enrollment older than PendingTTL from the session, so its TOTP secret
// and oob_code do not outlive their use; a recovery code that came with it is held for the
// next enrollment. Its pending authenticators at Auth0 are left to the next enrollment's
// clean-up (or Auth0's 24 hours).
func (t *Tx) dropExpired() error {
	p := t.raw()
	if p == nil || t.now().Sub(p.Started) <= t.pendingTTL() {
		return nil
	}
	return t.forget(p)
}

// pendingTTL is how long an enrollment stays usable: PendingTTL, or the backend's shorter
// lifetime.
func (t *Tx) pendingTTL() time.Duration {
	if l, ok := t.s.Backend.(EnrollmentLifetime); ok && l.EnrollmentTTL() < PendingTTL {
		return l.EnrollmentTTL()
	}
	return PendingTTL
}

// notInProgress is the answer to a form of an enrollment that is not (or no longer) in
// progress.
func (t *Tx) notInProgress() Result {
	if err := t.dropExpired(); err != nil {
		return failed(err, Place{})
	}
	return Result{Outcome: NotInProgress}
}

// newID returns 128 random bits as text.
func newID() string { return rand.Text() }
