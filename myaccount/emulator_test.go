package myaccount_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/myaccount"
)

const emuUser = "auth0|me-user"

// emulated starts a tenant over https with the My Account API granted to its client, and a
// client with the production configuration (the domain alone).
func emulated(t *testing.T, opts ...auth0test.Option) (*auth0test.Server, *myaccount.Client, string) {
	t.Helper()
	base := []auth0test.Option{auth0test.WithTLS(), auth0test.WithUsers(auth0test.User{ID: emuUser, Email: "me@example.com", Password: "me-password-1"})}
	emu := auth0test.RunT(t, append(base, opts...)...)
	c, err := myaccount.New(emu.Domain(), myaccount.WithHTTPClient(emu.Client()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := emu.IssueAccessToken(emuUser, auth0test.TokenOptions{Audience: emu.MeAudience()})
	if err != nil {
		t.Fatal(err)
	}
	return emu, c, tok
}

// TestEmulatorMethodsLifecycle runs every call of the client against the emulated tenant: the
// enrollments (totp, phone, email, push, recovery code) with their codes, the list with its
// filter, rename, the preferred channel, delete, factors; and the MFA API sees the same
// authenticators.
func TestEmulatorMethodsLifecycle(t *testing.T) {
	t.Parallel()
	emu, c, tok := emulated(t, auth0test.WithMyAccountGrant(""), auth0test.WithMyAccountPlan(auth0test.PlanUnlimited))
	ctx := t.Context()

	if fs, err := c.Factors(ctx, tok); err != nil || len(fs) != 6 { // five second factors and passkey (primary)
		t.Fatalf("factors %v %v", fs, err)
	}
	app, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeTOTP})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(app.ID, "totp|dev_") || app.VerifyID != strings.Replace(app.ID, "|", "%7C", 1) || app.ManualInputCode == "" {
		t.Fatalf("enrollment %+v", app)
	}
	if _, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: app.VerifyID, AuthSession: app.AuthSession, OTPCode: "000000"}); !myaccount.IsInvalidCode(err) {
		t.Fatalf("a wrong code: %v", err)
	}
	code, _ := totp.GenerateCode(app.ManualInputCode, emu.Now())
	m, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: app.VerifyID, AuthSession: app.AuthSession, OTPCode: code})
	if err != nil || !m.Confirmed || m.Type != myaccount.TypeTOTP || emu.Now().Sub(m.CreatedAt) > time.Minute || m.CreatedAt.After(emu.Now()) {
		t.Fatalf("verified %+v %v", m, err)
	}
	name := "Phone in my bag"
	if m, err = c.UpdateMethod(ctx, tok, m.ID, myaccount.MethodUpdate{Name: &name}); err != nil || m.Name != name {
		t.Fatalf("rename %+v %v", m, err)
	}

	ph, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypePhone, PhoneNumber: "+14155550123", PreferredChannel: myaccount.ChannelSMS})
	if err != nil {
		t.Fatal(err)
	}
	sms, _ := emu.LastCode("+14155550123")
	if _, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: ph.VerifyID, AuthSession: ph.AuthSession, OTPCode: sms}); err != nil {
		t.Fatal(err)
	}
	voice := myaccount.ChannelVoice
	p, err := c.UpdateMethod(ctx, tok, ph.ID, myaccount.MethodUpdate{PreferredChannel: &voice})
	if err != nil || p.PreferredChannel != myaccount.ChannelVoice || p.PhoneNumber != "+14155550123" {
		t.Fatalf("channel %+v %v", p, err)
	}

	rc, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeRecoveryCode})
	if err != nil || len(rc.RecoveryCode) != 24 {
		t.Fatalf("recovery code %+v %v", rc, err)
	}
	if _, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: rc.VerifyID, AuthSession: rc.AuthSession}); err != nil {
		t.Fatal(err)
	}

	list, err := c.Methods(ctx, tok, "")
	if err != nil || len(list) != 3 {
		t.Fatalf("methods %+v %v", list, err)
	}
	if phones, _ := c.Methods(ctx, tok, myaccount.TypePhone); len(phones) != 1 || phones[0].ID != ph.ID {
		t.Fatalf("filtered %+v", phones)
	}

	// The MFA API sees the same authenticators: the app, the sms and voice pair, the code.
	api, err := mfaapi.New(emu.Domain(), mfaapi.WithHTTPClient(emu.Client()), mfaapi.WithClientSecret(emu.ClientID(), emu.ClientSecret()))
	if err != nil {
		t.Fatal(err)
	}
	mfaTok, _ := emu.IssueAccessToken(emuUser, auth0test.TokenOptions{})
	auths, err := api.Authenticators(ctx, mfaTok)
	if err != nil || len(auths) != 4 {
		t.Fatalf("the MFA API lists %+v %v", auths, err)
	}

	if err := c.DeleteMethod(ctx, tok, ph.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Method(ctx, tok, ph.ID); !myaccount.IsNotFound(err) {
		t.Fatalf("a deleted method: %v", err)
	}
	if auths, _ := api.Authenticators(ctx, mfaTok); len(auths) != 2 {
		t.Fatalf("after deleting the phone the MFA API lists %+v", auths)
	}
}

// TestEmulatorRefusals: the token of the other host, a missing scope, no client grant, and
// the Free plan's two writes a minute per user.
func TestEmulatorRefusals(t *testing.T) {
	t.Parallel()
	emu, c, tok := emulated(t, auth0test.WithMyAccountGrant("", auth0test.ScopeMeRead, auth0test.ScopeMeCreate))
	ctx := t.Context()

	// A token for the custom domain's audience is not one for the canonical host.
	custom, _ := emu.IssueAccessToken(emuUser, auth0test.TokenOptions{Audience: emu.CustomMeAudience(), ViaCustomDomain: true})
	if _, err := c.Methods(ctx, custom, ""); !myaccount.IsUnauthorized(err) {
		t.Errorf("a custom-domain token on the canonical host: %v", err)
	}
	narrow, _ := emu.IssueAccessToken(emuUser, auth0test.TokenOptions{Audience: emu.MeAudience(), Scope: auth0test.ScopeMeRead})
	if _, err := c.Factors(ctx, narrow); !myaccount.IsInsufficientScope(err) {
		t.Errorf("without read:me:factors: %v", err)
	}

	// The Free plan: two writes a minute per user, then 429 with the wait.
	for i := range 2 {
		if _, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeTOTP}); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	_, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeTOTP})
	if !myaccount.IsRateLimited(err) {
		t.Fatalf("the third write in a minute: %v", err)
	}
	if e, ok := err.(*myaccount.Error); !ok || e.RetryAfter <= 0 || e.RetryAfter > 30*time.Second || e.RateLimit.Limit != 2 {
		t.Errorf("429: %+v", err)
	}
	emu.Advance(30 * time.Second)
	if _, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeTOTP}); err != nil {
		t.Errorf("after the wait: %v", err)
	}
}

// TestEmulatorClientGrant: without a client grant a login for the My Account audience is
// refused; with one, the token carries only the scopes the grant allows.
func TestEmulatorClientGrant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []auth0test.Option
		status int
		scope  string
	}{
		{"no grant", nil, http.StatusForbidden, ""},
		{"read only", []auth0test.Option{auth0test.WithMyAccountGrant("", auth0test.ScopeMeRead)}, http.StatusOK, "openid " + auth0test.ScopeMeRead},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu, _, _ := emulated(t, tc.opts...)
			api, err := mfaapi.New(emu.Domain(), mfaapi.WithHTTPClient(emu.Client()), mfaapi.WithClientSecret(emu.ClientID(), emu.ClientSecret()))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := api.LoginPassword(t.Context(), mfaapi.PasswordRequest{Username: "me@example.com", Password: "me-password-1",
				Audience: emu.MeAudience(), Scope: "openid " + auth0test.ScopeMeRead + " " + auth0test.ScopeMeDelete})
			if tc.status != http.StatusOK {
				var e *mfaapi.Error
				if !errors.As(err, &e) || e.StatusCode != tc.status || e.Code != "access_denied" || !strings.Contains(e.Description, "client-grant") {
					t.Fatalf("without a grant: %v", err)
				}
				return
			}
			if err != nil || tok.Scope != tc.scope {
				t.Fatalf("token %+v %v, want scope %q", tok, err, tc.scope)
			}
		})
	}
}
