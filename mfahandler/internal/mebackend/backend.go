// Package mebackend is the core's Backend on Auth0's My Account API (myaccount): methods with
// names, dates and one phone with a preferred channel; rename; recovery codes issued on
// request; the tenant's factors. It turns the API's answers into the core's inventory and its
// RFC 7807 errors into classified faults, so nothing above it knows the API.
//
//	b := mebackend.New(client, mebackend.PlanFree, isCircuitOpen)
//	svc := &enroll.Service{Backend: b, …}
package mebackend

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/myaccount"
)

// Plan is the tenant's Auth0 plan, which sets the My Account API's per-user limits.
type Plan int

// Plans (reference §5.4): per user, Free allows 2 writes a minute, Essentials and
// Professional 5, Enterprise 5.
const (
	PlanFree Plan = iota
	PlanEssentials
	PlanEnterprise
	// PlanUnlimited keeps no per-user budget: a tenant whose limits Auth0 raised, or
	// auth0test's PlanUnlimited. A 429 from Auth0 is still a limit hit with its wait.
	PlanUnlimited
)

// writesPerMinute is the plan's per-user write limit (0: none kept).
func (p Plan) writesPerMinute() int {
	switch p {
	case PlanFree:
		return 2
	case PlanUnlimited:
		return 0
	}
	return 5
}

// Backend implements enroll.Backend and its optional capabilities with a *myaccount.Client.
type Backend struct {
	api         *myaccount.Client
	plan        Plan
	circuitOpen func(error) bool
	now         func() time.Time
	lists       listCache
}

// New returns a Backend on api for a tenant of plan; now is the clock of its list cache.
func New(api *myaccount.Client, plan Plan, circuitOpen func(error) bool, now func() time.Time) *Backend {
	return &Backend{api: api, plan: plan, circuitOpen: circuitOpen, now: now}
}

// ReuseLists turns the reuse of list reads (cache.go) on (the default) or off: the
// benchmarks compare a fresh read per page with a hand-written page's.
func (b *Backend) ReuseLists(on bool) { b.lists.setOff(!on) }

var (
	_ enroll.Backend         = (*Backend)(nil)
	_ enroll.Renamer         = (*Backend)(nil)
	_ enroll.ChannelSwitcher = (*Backend)(nil)
	_ enroll.RecoveryIssuer  = (*Backend)(nil)
	_ enroll.FactorLister    = (*Backend)(nil)
	_ enroll.WriteBudget     = (*Backend)(nil)
	_ enroll.ListForgetter   = (*Backend)(nil)
)

// EnrollmentTTL implements enroll.EnrollmentLifetime.
func (b *Backend) EnrollmentTTL() time.Duration { return authSessionTTL }

// authSessionTTL: [UNK] in the reference: how long Auth0 accepts an enrollment's
// auth_session. Chosen as the lifetime of the codes an enrollment sends (5 minutes), the
// shortest plausible one, so that the page says the setup expired rather than letting a code
// be typed into an enrollment Auth0 has ended; a resend starts a new auth_session. The
// emulator's meAuthSessionTTL is the same guess.
const authSessionTTL = 5 * time.Minute

// Forget implements enroll.ListForgetter.
func (b *Backend) Forget(token string) { b.lists.drop(token) }

// WriteRule implements enroll.WriteBudget: the plan's per-user writes a minute.
func (b *Backend) WriteRule() (limiter.Rule, bool) {
	n := b.plan.writesPerMinute()
	if n == 0 {
		return limiter.Rule{}, false
	}
	return limiter.Rule{Name: "me_writes", Burst: n, Refill: time.Minute / time.Duration(n)}, true
}

// List implements enroll.Backend.
func (b *Backend) List(ctx context.Context, token string) (*enroll.Inventory, error) {
	if inv, ok := b.lists.get(token, b.now()); ok {
		return inv, nil
	}
	gen := b.lists.generation()
	ms, err := b.api.Methods(ctx, token, "")
	if err != nil {
		return nil, b.fault(err)
	}
	inv := Inventory(ms)
	b.lists.put(token, ms, b.now(), gen)
	return inv, nil
}

// Start implements enroll.Backend with POST /authentication-methods.
func (b *Backend) Start(ctx context.Context, token string, req enroll.StartRequest) (_ *enroll.Enrollment, err error) {
	w := b.writing(token)
	defer w.end(&err)
	er := myaccount.EnrollRequest{}
	switch req.Factor {
	case enroll.TOTP:
		er.Type = myaccount.TypeTOTP
	case enroll.Push:
		er.Type = myaccount.TypePush
	case enroll.SMS, enroll.Voice:
		er.Type, er.PhoneNumber, er.PreferredChannel = myaccount.TypePhone, req.Phone, myaccount.ChannelSMS
		if req.Factor == enroll.Voice {
			er.PreferredChannel = myaccount.ChannelVoice
		}
	case enroll.Email:
		er.Type, er.Email = myaccount.TypeEmail, req.Email
	}
	e, err := b.api.Enroll(ctx, token, er)
	if err != nil {
		return nil, b.fault(err)
	}
	if err := checkEnrollment(req.Factor, e); err != nil {
		return nil, &enroll.Fault{Class: enroll.ClassUnexpected, Err: err}
	}
	// The 202 says that a pending method of this type exists under this id: the list learns it
	// (the core cleans up pending methods it lists).
	w.learnPending(myaccount.Method{ID: e.VerifyID, Type: er.Type, PreferredChannel: er.PreferredChannel})
	out := &enroll.Enrollment{MethodID: e.VerifyID, AuthSession: e.AuthSession, BarcodeURI: e.BarcodeURI, Secret: e.ManualInputCode}
	return out, nil
}

// checkEnrollment refuses an answer that lacks what the next page and the confirmation need:
// a QR code or secret is never rendered from an unexpected answer.
func checkEnrollment(f enroll.Factor, e *myaccount.Enrollment) error {
	bad := func(why string) error {
		return errors.New("mfahandler: unexpected My Account enrollment answer: " + why)
	}
	if e.VerifyID == "" || e.AuthSession == "" {
		return bad("no method id or auth_session")
	}
	if f == enroll.TOTP || f == enroll.Push {
		u, err := url.Parse(e.BarcodeURI)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
			return bad("barcode_uri is not an otpauth://totp/ URI")
		}
		if f == enroll.TOTP && (e.ManualInputCode == "" || !strings.EqualFold(u.Query().Get("secret"), e.ManualInputCode)) {
			return bad("manual_input_code missing or not the barcode_uri's secret")
		}
	}
	return nil
}

// Confirm implements enroll.Backend with POST …/{id}/verify and the code.
func (b *Backend) Confirm(ctx context.Context, token string, p *enroll.Pending, code string) (err error) {
	w := b.writing(token)
	defer w.end(&err)
	m, err := b.api.Verify(ctx, token, myaccount.VerifyRequest{ID: p.MethodID, AuthSession: p.AuthSession, OTPCode: code})
	if err != nil {
		return b.fault(err)
	}
	w.learn(m, p.MethodID)
	return nil
}

// Poll implements enroll.Backend for push: POST …/{id}/verify with the auth_session only,
// which fails until the user approves in Guardian.
func (b *Backend) Poll(ctx context.Context, token string, p *enroll.Pending) (err error) {
	w := b.writing(token)
	defer w.end(&err)
	m, err := b.api.Verify(ctx, token, myaccount.VerifyRequest{ID: p.MethodID, AuthSession: p.AuthSession})
	if err != nil {
		return b.pollFault(err)
	}
	w.learn(m, p.MethodID)
	return nil
}

// Delete implements enroll.Backend.
func (b *Backend) Delete(ctx context.Context, token, id string) (err error) {
	w := b.writing(token)
	defer w.end(&err)
	if err := b.api.DeleteMethod(ctx, token, id); err != nil {
		return b.fault(err)
	}
	return nil
}

// Rename implements enroll.Renamer with PATCH {"name"}.
func (b *Backend) Rename(ctx context.Context, token, id, name string) (err error) {
	w := b.writing(token)
	defer w.end(&err)
	m, err := b.api.UpdateMethod(ctx, token, id, myaccount.MethodUpdate{Name: &name})
	if err != nil {
		return b.fault(err)
	}
	w.learn(m, id)
	return nil
}

// SetChannel implements enroll.ChannelSwitcher with PATCH {"preferred_authentication_method"}.
func (b *Backend) SetChannel(ctx context.Context, token, id, channel string) (err error) {
	w := b.writing(token)
	defer w.end(&err)
	c := myaccount.PhoneChannel(channel)
	m, err := b.api.UpdateMethod(ctx, token, id, myaccount.MethodUpdate{PreferredChannel: &c})
	if err != nil {
		return b.fault(err)
	}
	w.learn(m, id)
	return nil
}

// IssueRecoveryCode implements enroll.RecoveryIssuer: POST {"type":"recovery-code"}, then
// verify with its auth_session. The code counts only once verified.
func (b *Backend) IssueRecoveryCode(ctx context.Context, token string) (_ string, err error) {
	w := b.writing(token)
	defer w.end(&err)
	e, err := b.api.Enroll(ctx, token, myaccount.EnrollRequest{Type: myaccount.TypeRecoveryCode})
	if err != nil {
		if myaccount.IsInvalidRequest(err) {
			// [UNK] what Auth0 answers when the tenant has recovery codes off: a 400 about the
			// type is the likely answer (the emulator's), and nothing else can be done.
			return "", &enroll.Fault{Class: enroll.ClassFactorDisabled, Err: err}
		}
		return "", b.fault(err)
	}
	if e.RecoveryCode == "" || e.VerifyID == "" || e.AuthSession == "" {
		return "", &enroll.Fault{Class: enroll.ClassUnexpected, Err: errors.New("mfahandler: unexpected My Account recovery-code answer: no code, id or auth_session")}
	}
	m, err := b.api.Verify(ctx, token, e.Verification())
	if err != nil {
		return "", b.fault(err)
	}
	w.learn(m, e.VerifyID)
	return e.RecoveryCode, nil
}

// Factors implements enroll.FactorLister with GET /factors (early access: a tenant without it
// answers that it cannot tell).
func (b *Backend) Factors(ctx context.Context, token string) ([]enroll.Factor, bool, error) {
	fs, err := b.api.Factors(ctx, token)
	if err != nil {
		if myaccount.IsNotFound(err) || myaccount.IsNotActivated(err) || myaccount.IsInsufficientScope(err) {
			return nil, false, nil
		}
		return nil, false, b.fault(err)
	}
	var out []enroll.Factor
	seen := map[enroll.Factor]bool{}
	add := func(f enroll.Factor) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range fs {
		switch f.Type {
		case myaccount.TypeTOTP:
			add(enroll.TOTP)
		case myaccount.TypePush:
			add(enroll.Push)
		case myaccount.TypePhone:
			add(enroll.SMS)
			add(enroll.Voice)
		case myaccount.TypeEmail:
			add(enroll.Email)
		}
	}
	return out, true, nil
}
