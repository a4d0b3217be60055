package myaccount_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/myaccount"
)

// The contract suite runs one code path, contractTOTPLifecycle, against the emulated tenant
// and — with AUTH0_TEST_DOMAIN and AUTH0_TEST_ME_TOKEN set — a real one:
//
//	AUTH0_TEST_DOMAIN    the host of the My Account API (canonical or custom domain)
//	AUTH0_TEST_ME_TOKEN  a user's access token for https://{AUTH0_TEST_DOMAIN}/me/ with the
//	                     five *:me:* scopes (e.g. from your app's login, or the Auth0 CLI's
//	                     "auth0 test token"); the suite adds an authenticator app to that user
//	                     and removes it again
//
// The token is taken as given because how a user token for /me/ may be obtained without a
// browser (which grants the My Account audience accepts) is not known here.

// meTarget is where the contract runs: a client, a user's token, and the clock the tenant's
// TOTP codes follow.
type meTarget struct {
	client *myaccount.Client
	token  string
	now    func() time.Time
}

// realMeTarget is the real tenant from the AUTH0_TEST_* variables; ok false when they are not
// set. baseURL and hc are for TestContractRealTargetDryRun only.
func realMeTarget(getenv func(string) string, hc *http.Client, baseURL string) (meTarget, bool, error) {
	domain, tok := strings.TrimSpace(getenv("AUTH0_TEST_DOMAIN")), strings.TrimSpace(getenv("AUTH0_TEST_ME_TOKEN"))
	if domain == "" || tok == "" {
		return meTarget{}, false, nil
	}
	var opts []myaccount.Option
	if hc != nil {
		opts = append(opts, myaccount.WithHTTPClient(hc))
	}
	if baseURL != "" {
		opts = append(opts, myaccount.WithInsecureBaseURL(baseURL))
	}
	c, err := myaccount.New(domain, opts...)
	if err != nil {
		return meTarget{}, false, err
	}
	return meTarget{client: c, token: tok, now: time.Now}, true, nil
}

// contractTOTPLifecycle adds an authenticator app (a wrong code refused, the right one
// verified), finds it in the list and the filtered list, renames it, deletes it, and checks
// that it is gone. It leaves the user as it found them.
func contractTOTPLifecycle(t *testing.T, tg meTarget) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, tok := tg.client, tg.token
	before, err := c.Methods(ctx, tok, "")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	app, err := c.Enroll(ctx, tok, myaccount.EnrollRequest{Type: myaccount.TypeTOTP})
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	added := ""
	t.Cleanup(func() { // the user is left as found, whatever failed
		if added != "" {
			_ = c.DeleteMethod(context.Background(), tok, added)
		}
	})
	if app.VerifyID == "" || app.AuthSession == "" || app.ManualInputCode == "" {
		t.Fatalf("enrollment lacks the id, auth_session or secret: id %t, session %t, secret %t", app.VerifyID != "", app.AuthSession != "", app.ManualInputCode != "")
	}
	wrong := "000000"
	if code, _ := totp.GenerateCode(app.ManualInputCode, tg.now()); code == wrong {
		wrong = "111111"
	}
	if _, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: app.VerifyID, AuthSession: app.AuthSession, OTPCode: wrong}); !myaccount.IsInvalidCode(err) {
		t.Fatalf("a wrong code was not refused as one: %v", err)
	}
	code, err := totp.GenerateCode(app.ManualInputCode, tg.now())
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Verify(ctx, tok, myaccount.VerifyRequest{ID: app.VerifyID, AuthSession: app.AuthSession, OTPCode: code})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	added = m.ID
	if m.Type != myaccount.TypeTOTP || !m.Confirmed || slices.ContainsFunc(before, func(x myaccount.Method) bool { return x.ID == m.ID }) {
		t.Fatalf("verified method: type %q, confirmed %t, id new %t", m.Type, m.Confirmed, !slices.ContainsFunc(before, func(x myaccount.Method) bool { return x.ID == m.ID }))
	}
	for _, filter := range []myaccount.Type{"", myaccount.TypeTOTP} {
		ms, err := c.Methods(ctx, tok, filter)
		if err != nil || !slices.ContainsFunc(ms, func(x myaccount.Method) bool { return x.ID == m.ID && x.Confirmed }) {
			t.Fatalf("list ?type=%q does not show the new app: %v", filter, err)
		}
	}
	name := "selfmfa contract " + tg.now().UTC().Format("150405")
	if r, err := c.UpdateMethod(ctx, tok, m.ID, myaccount.MethodUpdate{Name: &name}); err != nil || r.Name != name {
		t.Fatalf("rename: %v", err)
	}
	if err := c.DeleteMethod(ctx, tok, m.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	added = ""
	if _, err := c.Method(ctx, tok, m.ID); !myaccount.IsNotFound(err) {
		t.Fatalf("the deleted app is still there: %v", err)
	}
}

func TestContractEmulator(t *testing.T) {
	t.Parallel()
	emu, c, tok := emulated(t, auth0test.WithMyAccountGrant(""), auth0test.WithMyAccountPlan(auth0test.PlanUnlimited))
	contractTOTPLifecycle(t, meTarget{client: c, token: tok, now: emu.Now})
}

// TestContractRealTenant runs the contract against the tenant of AUTH0_TEST_DOMAIN.
func TestContractRealTenant(t *testing.T) {
	tg, ok, err := realMeTarget(os.Getenv, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("AUTH0_TEST_DOMAIN and AUTH0_TEST_ME_TOKEN not set: the real-tenant contract is skipped (the emulator runs it)")
	}
	contractTOTPLifecycle(t, tg)
}

// TestContractRealTargetDryRun runs the real-tenant code path — the target built from the
// AUTH0_TEST_* variables — against the emulator, so that a real run does what CI checked.
func TestContractRealTargetDryRun(t *testing.T) {
	t.Parallel()
	emu := auth0test.RunT(t, auth0test.WithMyAccountGrant(""), auth0test.WithMyAccountPlan(auth0test.PlanUnlimited),
		auth0test.WithUsers(auth0test.User{ID: emuUser, Email: "me@example.com", Password: "me-password-1"}))
	tok, err := emu.IssueAccessToken(emuUser, auth0test.TokenOptions{Audience: emu.MeAudience()})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AUTH0_TEST_DOMAIN": emu.Domain(), "AUTH0_TEST_ME_TOKEN": tok}
	tg, ok, err := realMeTarget(func(k string) string { return env[k] }, emu.Client(), emu.URL())
	if err != nil || !ok {
		t.Fatalf("the real target from the variables: %t %v", ok, err)
	}
	tg.now = emu.Now // the emulator's clock: a real tenant's is the wall clock
	contractTOTPLifecycle(t, tg)
	if _, ok, _ := realMeTarget(func(string) string { return "" }, nil, ""); ok {
		t.Fatal("a target without the variables")
	}
}
