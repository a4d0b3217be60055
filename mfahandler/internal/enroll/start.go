package enroll

import (
	"net/mail"
	"strings"
)

// Start begins an enrollment of f. phone or email carries the destination the form sent.
func (t *Tx) Start(f Factor, phone, email string) Result {
	s := spec(f)
	form := Place{Kind: AtList}
	if s.Destination != NoDestination {
		form = Place{Kind: AtForm, Factor: f}
	}
	req := StartRequest{Factor: f}
	var destination string
	switch s.Destination {
	case PhoneNumber:
		e164, err := t.s.PhoneValidator(phone)
		if err != nil {
			return Result{Outcome: InvalidPhone, Factor: f, Detail: validatorText(err), Value: limitLen(phone, 32)}
		}
		destination, req.Phone = e164, e164
	case EmailAddress:
		raw := strings.TrimSpace(email)
		addr, err := mail.ParseAddress(raw)
		if err != nil || addr.Address != raw || len(raw) > 254 || strings.ContainsAny(raw, "\r\n<>\"") {
			return Result{Outcome: InvalidEmail, Factor: f, Value: limitLen(raw, 254)}
		}
		destination, req.Email = raw, raw
	}
	token, err := t.token(EnrollTokenLife, form)
	if err != nil {
		return failed(err, form)
	}
	// The lock comes first: a request turned away because another change is running has not
	// used an attempt.
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	budgets := []Budget{t.s.Ledger.UserBudget(t.s.Limits.Enrollments, t.sub)}
	if s.Sends {
		budgets = append(budgets, t.sendBudgets(destination)...)
	}
	if res, ok := t.spendAll(f, budgets...); !ok {
		return res
	}

	inv, err := t.list(token)
	if err != nil {
		return failed(err, form)
	}
	// Abandoned enrollments of the same kind are removed first, so they never pile up towards
	// Auth0's limit of 50 and a second tab's enrollment cannot also be confirmed. Those deletes
	// and the start are the writes this step spends.
	stale := inv.PendingOf(f)
	if res, ok := t.spendWrites(f, len(stale)+1); !ok {
		return res
	}
	if err := t.deletePending(token, stale); err != nil {
		return failed(err, form)
	}
	inherited := t.unshownRecoveryCode()
	if old := t.raw(); old != nil {
		// This enrollment replaces the session's previous one: mark that one over, so a stale
		// copy of the session cannot bring it back to life.
		if err := t.s.Ledger.MarkEnded(t.ctx, old.ID); err != nil {
			return Result{Outcome: Unavailable, Reason: "check", Err: err}
		}
	}
	started, err := t.s.Backend.Start(t.ctx, token, req)
	if err != nil {
		if field := destinationField(s); field != "" && ClassOf(err) == ClassInvalidDestination {
			// Auth0's own check of the number or address is stricter than ours: back to the
			// form, as for a local validation error.
			t.s.Log.Info("mfahandler: Auth0 refused the destination of an enrollment", "factor", string(f), "error", err.Error())
			value := phone
			if field == "email" {
				value = email
			}
			return Result{Outcome: DestinationRefused, Factor: f, Field: field, Value: limitLen(value, 254), Err: err}
		}
		return failed(err, form)
	}
	if f == Push {
		// The associate call created the push and its companion OTP: tell the OTP apart now,
		// while the list before is at hand (companions.go).
		if after, err := t.s.Backend.List(t.ctx, token); err == nil {
			t.recordCompanion(inv, after)
		} else {
			t.s.Log.Warn("mfahandler: could not list the new push enrollment's code generator", "error", err.Error())
		}
	}
	p := &Pending{
		ID:           newID(),
		Sub:          t.sub,
		Factor:       f,
		Started:      t.now(),
		Secret:       started.Secret,
		BarcodeURI:   started.BarcodeURI,
		OOBCode:      started.OOBCode,
		MethodID:     started.MethodID,
		AuthSession:  started.AuthSession,
		Destination:  destination,
		FirstFactor:  inv.RealFactors() == 0,
		NoCodeReason: inv.NoCodeReason(),
		Before:       inv.ActiveOf(f),
	}
	if s.Sends {
		p.Sends = 1
	}
	if inv.NoCodeReason() == "earlier" {
		// Only while Auth0 still lists the recovery code as pending: once it is active (or
		// was used and replaced, or reset), a code held here may no longer be the user's.
		p.RecoveryCode = inherited
	} else if err := t.s.Ledger.DropHeldCode(t.ctx, t.sub); err != nil {
		return failed(err, form)
	}
	if started.RecoveryCode != "" {
		// Auth0 sends the one code now: it is held in the ledger at once, so that no lost or
		// stale session can lose it before its display.
		p.RecoveryCode = started.RecoveryCode
		if err := t.s.Ledger.DropHeldCode(t.ctx, t.sub); err != nil {
			return failed(err, form)
		}
		if err := t.s.Ledger.HoldCode(t.ctx, t.sub, p.RecoveryCode); err != nil {
			return failed(err, form)
		}
	}
	if err := t.rec.SavePending(p); err != nil {
		return failed(err, form)
	}
	return Result{Outcome: Started, Factor: f, Pending: p}.with(Event{Kind: "enroll_started", Factor: f})
}

// unshownRecoveryCode is a recovery code this session received with an enrollment that was
// never confirmed (replaced in a second tab, cancelled, rejected, expired, or dropped after a
// failed resend). Auth0 returns the one code with the first association only, keeps it pending
// and activates it with the next confirmed factor: the user must see it then.
func (t *Tx) unshownRecoveryCode() string {
	if p := t.raw(); p != nil && p.RecoveryCode != "" {
		return p.RecoveryCode // any age: an expired enrollment's code is still the user's
	}
	code, err := t.s.Ledger.HeldCode(t.ctx, t.sub)
	if err != nil {
		t.s.Log.Warn("mfahandler: could not read a held recovery code", "error", err.Error())
		return ""
	}
	return code
}

// destinationField is the form field holding the destination ("" for TOTP and push).
func destinationField(s Spec) string {
	switch s.Destination {
	case PhoneNumber:
		return "phone_number"
	case EmailAddress:
		return "email"
	}
	return ""
}

// validatorText is a phone validator's error text without its package prefix, for the user.
func validatorText(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 && !strings.Contains(s[:i], " ") {
		s = s[i+2:]
	}
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

func limitLen(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
