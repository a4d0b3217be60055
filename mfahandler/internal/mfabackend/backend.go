// Package mfabackend is the core's Backend on Auth0's MFA API (mfaapi): list, associate,
// confirm with the MFA grants, poll a push, delete. It turns the API's answers into the core's
// inventory and its errors into classified faults, so nothing above it knows the MFA API.
//
//	b := mfabackend.New(client, isCircuitOpen)
//	svc := &enroll.Service{Backend: b, …}
package mfabackend

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"

	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// Backend implements enroll.Backend with an *mfaapi.Client.
type Backend struct {
	api *mfaapi.Client
	// circuitOpen reports the handler's breaker error (nothing was sent).
	circuitOpen func(error) bool
}

// New returns a Backend on api. circuitOpen tells the handler's circuit-breaker error apart.
func New(api *mfaapi.Client, circuitOpen func(error) bool) *Backend {
	return &Backend{api: api, circuitOpen: circuitOpen}
}

var _ enroll.Backend = (*Backend)(nil)

// List implements enroll.Backend.
func (b *Backend) List(ctx context.Context, token string) (*enroll.Inventory, error) {
	list, err := b.api.Authenticators(ctx, token)
	if err != nil {
		return nil, b.fault(err)
	}
	return Inventory(list), nil
}

// Start implements enroll.Backend with /mfa/associate.
func (b *Backend) Start(ctx context.Context, token string, req enroll.StartRequest) (*enroll.Enrollment, error) {
	ar := mfaapi.AssociateRequest{Kind: kindOf(req.Factor), PhoneNumber: req.Phone, Email: req.Email}
	a, err := b.api.Associate(ctx, token, ar)
	if err != nil {
		return nil, b.fault(err)
	}
	if err := checkAssociation(req.Factor, a); err != nil {
		// Never render an unexpected answer as a QR code or a secret.
		return nil, &enroll.Fault{Class: enroll.ClassUnexpected, Err: err}
	}
	e := &enroll.Enrollment{Secret: a.Secret, BarcodeURI: a.BarcodeURI, OOBCode: a.OOBCode}
	if len(a.RecoveryCodes) > 0 {
		e.RecoveryCode = a.RecoveryCodes[0]
	}
	return e, nil
}

// Confirm implements enroll.Backend with the mfa-otp or mfa-oob grant.
func (b *Backend) Confirm(ctx context.Context, token string, p *enroll.Pending, code string) error {
	var err error
	if p.Factor == enroll.TOTP {
		_, err = b.api.VerifyOTP(ctx, token, code)
	} else {
		_, err = b.api.VerifyOOB(ctx, token, p.OOBCode, code)
	}
	if err != nil {
		return b.fault(err)
	}
	return nil
}

// Poll implements enroll.Backend with the mfa-oob grant without a binding code.
func (b *Backend) Poll(ctx context.Context, token string, p *enroll.Pending) error {
	if _, err := b.api.VerifyOOB(ctx, token, p.OOBCode, ""); err != nil {
		return b.fault(err)
	}
	return nil
}

// Delete implements enroll.Backend.
func (b *Backend) Delete(ctx context.Context, token, id string) error {
	if err := b.api.DeleteAuthenticator(ctx, token, id); err != nil {
		return b.fault(err)
	}
	return nil
}

func kindOf(f enroll.Factor) mfaapi.Kind {
	switch f {
	case enroll.TOTP:
		return mfaapi.KindTOTP
	case enroll.Push:
		return mfaapi.KindPush
	case enroll.SMS:
		return mfaapi.KindSMS
	case enroll.Voice:
		return mfaapi.KindVoice
	}
	return mfaapi.KindEmail
}

// base32Secret is the shape of a TOTP secret.
var base32Secret = regexp.MustCompile(`^[A-Z2-7]{16,128}=*$`)

// checkAssociation refuses an associate answer that lacks what the next page needs or carries
// a barcode URI that is not an otpauth:// TOTP URI (of this secret, for TOTP).
func checkAssociation(f enroll.Factor, a *mfaapi.Association) error {
	bad := func(why string) error { return errors.New("mfahandler: unexpected /mfa/associate answer: " + why) }
	wantType, wantChannel := "oob", map[enroll.Factor]string{enroll.SMS: "sms", enroll.Voice: "voice", enroll.Email: "email", enroll.Push: "auth0"}[f]
	if f == enroll.TOTP {
		wantType = "otp"
	}
	if a.AuthenticatorType != wantType || a.OOBChannel != wantChannel {
		// What the user would confirm is not what they asked to add.
		return bad("authenticator_type " + strconv.Quote(limitLen(a.AuthenticatorType, 16)) + ", oob_channel " + strconv.Quote(limitLen(a.OOBChannel, 16)) +
			" for a " + string(f) + " enrollment")
	}
	switch f {
	case enroll.TOTP, enroll.Push:
		u, err := url.Parse(a.BarcodeURI)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
			return bad("barcode_uri is not an otpauth://totp/ URI")
		}
		if f == enroll.TOTP && (!base32Secret.MatchString(a.Secret) || u.Query().Get("secret") != a.Secret) {
			return bad("secret missing, not base32, or not the barcode_uri's")
		}
		if f == enroll.Push && a.OOBCode == "" {
			return bad("no oob_code")
		}
	default:
		if a.OOBCode == "" {
			return bad("no oob_code")
		}
	}
	return nil
}

func limitLen(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
