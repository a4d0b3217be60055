package mfaapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfaapi"
)

// contractHTTPTimeout bounds every request of the suite.
const contractHTTPTimeout = 20 * time.Second

// passwordLogin returns the login function of a target: Auth0's documented ROPG route to an MFA
// API token (password-realm grant, audience https://{tenant domain}/mfa/).
func passwordLogin(api *mfaapi.Client, username, password, realm, audience string) func(context.Context, string) (*mfaapi.Token, error) {
	return func(ctx context.Context, scope string) (*mfaapi.Token, error) {
		return api.LoginPassword(ctx, mfaapi.PasswordRequest{
			Username: username, Password: password, Realm: realm, Audience: audience, Scope: scope,
		})
	}
}

// contractSigningKey is one RS256 key for every emulator of the suite (each subtest starts
// its own server; generating a 2048-bit key for each would dominate the run time).
func contractSigningKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// emulatorTarget is the auth0test emulator: every subtest gets its own server and a new user,
// so subtests run in parallel and may move the clock or change the application's grants.
func emulatorTarget(name string, key *rsa.PrivateKey, recoveryCodes, verifiedEmail bool) contractTarget {
	const (
		clientID     = "contract-app"
		clientSecret = "contract-app-secret"
		email        = "contract-user@example.com"
		password     = "contract-user-password"
	)
	recovery := recoveryOff
	if recoveryCodes {
		recovery = recoveryOn
	}
	return contractTarget{
		name:     name,
		parallel: true,
		recovery: recovery,
		open: func(t *testing.T) *contractEnv {
			t.Helper()
			settings := auth0test.DefaultSettings()
			settings.RecoveryCodes = recoveryCodes
			settings.Factors[auth0test.FactorRecoveryCode] = recoveryCodes
			emu := auth0test.RunT(t,
				auth0test.WithSigningKey(key),
				auth0test.WithClient(clientID, clientSecret),
				auth0test.WithSettings(settings),
			)
			if _, err := emu.AddUser(auth0test.User{Email: email, Password: password, Name: "Contract User", EmailVerified: verifiedEmail}); err != nil {
				t.Fatal(err)
			}
			rec := newWireRecorder(emu.Client().Transport)
			hc := &http.Client{Transport: rec, Timeout: contractHTTPTimeout}
			newClient := func(domain, baseURL string) (*mfaapi.Client, error) {
				return mfaapi.New(domain, mfaapi.WithInsecureBaseURL(baseURL),
					mfaapi.WithClientSecret(clientID, clientSecret), mfaapi.WithHTTPClient(hc))
			}
			api, err := newClient(emu.Domain(), emu.URL())
			if err != nil {
				t.Fatal(err)
			}
			return &contractEnv{
				name:         "emulator",
				strict:       true,
				api:          api,
				rec:          rec,
				tenantDomain: emu.Domain(),
				now:          emu.Now,
				login:        passwordLogin(api, email, password, auth0test.ConnectionName, "https://"+emu.Domain()+"/mfa/"),
				phone:        "+15555550123",
				readSMS:      emu.LastCode,
				advance:      emu.Advance,
				custom: func(ctx context.Context) (*mfaapi.Client, string, error) {
					// Through the custom host (localhost:P), with the custom-domain audience: the
					// mistake of thread 44384.
					capi, err := newClient(emu.CustomDomain(), emu.CustomURL())
					if err != nil {
						return nil, "", err
					}
					tok, err := passwordLogin(capi, email, password, auth0test.ConnectionName, "https://"+emu.CustomDomain()+"/mfa/")(ctx, contractScope)
					if err != nil {
						return nil, "", err
					}
					return capi, tok.AccessToken, nil
				},
				setMFAGrant: func(on bool) error { return emu.SetMFAGrantEnabled(clientID, on) },
				skips:       map[string]string{},
			}
		},
	}
}

// realTenantConfig is the real tenant of TestContractRealTenant, from AUTH0_TEST_* variables.
type realTenantConfig struct {
	domain       string // AUTH0_TEST_DOMAIN: the host the calls go to (canonical or custom)
	tenantDomain string // AUTH0_TEST_TENANT_DOMAIN: canonical tenant domain (default: domain)
	clientID     string // AUTH0_TEST_CLIENT_ID
	clientSecret string // AUTH0_TEST_CLIENT_SECRET
	username     string // AUTH0_TEST_USERNAME
	password     string // AUTH0_TEST_PASSWORD
	realm        string // AUTH0_TEST_REALM (default Username-Password-Authentication)
	customDomain string // AUTH0_TEST_CUSTOM_DOMAIN (optional): enables the custom-domain case

	// insecureBaseURL, set only by TestContractRealTargetDryRun, sends a host's calls to a
	// plain-HTTP emulator; a real run always uses https://{host}.
	insecureBaseURL map[string]string
}

func realTenantFromEnv(getenv func(string) string) realTenantConfig {
	c := realTenantConfig{
		domain:       strings.TrimSpace(getenv("AUTH0_TEST_DOMAIN")),
		tenantDomain: strings.TrimSpace(getenv("AUTH0_TEST_TENANT_DOMAIN")),
		clientID:     getenv("AUTH0_TEST_CLIENT_ID"),
		clientSecret: getenv("AUTH0_TEST_CLIENT_SECRET"),
		username:     getenv("AUTH0_TEST_USERNAME"),
		password:     getenv("AUTH0_TEST_PASSWORD"),
		realm:        getenv("AUTH0_TEST_REALM"),
		customDomain: strings.TrimSpace(getenv("AUTH0_TEST_CUSTOM_DOMAIN")),
	}
	if c.tenantDomain == "" {
		c.tenantDomain = c.domain
	}
	if c.realm == "" {
		c.realm = "Username-Password-Authentication"
	}
	return c
}

// target checks the configuration (naming missing variables, never printing values) and
// returns the real tenant as a contract target.
func (c realTenantConfig) target() (contractTarget, error) {
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"AUTH0_TEST_CLIENT_ID", c.clientID}, {"AUTH0_TEST_CLIENT_SECRET", c.clientSecret},
		{"AUTH0_TEST_USERNAME", c.username}, {"AUTH0_TEST_PASSWORD", c.password},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return contractTarget{}, fmt.Errorf("real tenant: AUTH0_TEST_DOMAIN is set but %s not", strings.Join(missing, ", "))
	}
	rec := newWireRecorder(nil)
	hc := &http.Client{Transport: rec, Timeout: contractHTTPTimeout}
	newClient := func(host string) (*mfaapi.Client, error) {
		opts := []mfaapi.Option{mfaapi.WithClientSecret(c.clientID, c.clientSecret), mfaapi.WithHTTPClient(hc)}
		if u, ok := c.insecureBaseURL[host]; ok {
			opts = append(opts, mfaapi.WithInsecureBaseURL(u))
		}
		return mfaapi.New(host, opts...)
	}
	api, err := newClient(c.domain)
	if err != nil {
		return contractTarget{}, fmt.Errorf("real tenant: AUTH0_TEST_DOMAIN: %w", err)
	}
	var capi *mfaapi.Client
	if c.customDomain != "" {
		if capi, err = newClient(c.customDomain); err != nil {
			return contractTarget{}, fmt.Errorf("real tenant: AUTH0_TEST_CUSTOM_DOMAIN: %w", err)
		}
	}
	env := &contractEnv{
		name:         "real tenant",
		sharedUser:   true,
		api:          api,
		rec:          rec,
		tenantDomain: c.tenantDomain,
		now:          time.Now,
		login:        passwordLogin(api, c.username, c.password, c.realm, "https://"+c.tenantDomain+"/mfa/"),
		skips: map[string]string{
			capSMS:   "real tenant: skipped, the suite cannot read SMS codes there (no outbox); the emulator covers this case",
			capClock: "real tenant: skipped, the suite cannot move the tenant's clock and does not wait the 10 minutes an /mfa/ token lives; the emulator covers this case with Advance",
			capGrant: "real tenant: skipped, the suite does not change the application's grant types; the emulator covers this case",
			capPairs: "real tenant: skipped, pairs need a phone number that receives SMS and a Guardian device; the emulator covers this case",
		},
	}
	if capi != nil {
		env.custom = func(ctx context.Context) (*mfaapi.Client, string, error) {
			tok, err := passwordLogin(capi, c.username, c.password, c.realm, "https://"+c.customDomain+"/mfa/")(ctx, contractScope)
			if err != nil {
				return nil, "", err
			}
			return capi, tok.AccessToken, nil
		}
	} else {
		env.skips[capCustom] = "real tenant: skipped, AUTH0_TEST_CUSTOM_DOMAIN not set (the custom-domain audience case needs the tenant's custom domain)"
	}
	return contractTarget{
		name:     "real tenant",
		recovery: recoveryUnknown,
		open:     func(*testing.T) *contractEnv { return env },
	}, nil
}

// TestContractRealTargetDryRun runs the real-tenant code path (one shared user, subtests one
// after another, observations instead of strict wire checks, cleanup) against an emulator
// configured through the same AUTH0_TEST_* variables, and then checks that the run left the
// user nothing but what the MFA API cannot delete. It is what a real run does, minus the network.
func TestContractRealTargetDryRun(t *testing.T) {
	t.Parallel()
	emu := auth0test.RunT(t,
		auth0test.WithClient("dry-run-app", "dry-run-secret"),
		auth0test.WithUsers(auth0test.User{ID: "auth0|dry-run", Email: "dry-run@example.com", Password: "dry-run-password", EmailVerified: true}),
	)
	env := map[string]string{
		"AUTH0_TEST_DOMAIN":        emu.Domain(),
		"AUTH0_TEST_CLIENT_ID":     "dry-run-app",
		"AUTH0_TEST_CLIENT_SECRET": "dry-run-secret",
		"AUTH0_TEST_USERNAME":      "dry-run@example.com",
		"AUTH0_TEST_PASSWORD":      "dry-run-password",
		"AUTH0_TEST_CUSTOM_DOMAIN": emu.CustomDomain(),
	}
	cfg := realTenantFromEnv(func(k string) string { return env[k] })
	if cfg.tenantDomain != emu.Domain() || cfg.realm != auth0test.ConnectionName {
		t.Fatalf("defaults: tenant domain %q realm %q", cfg.tenantDomain, cfg.realm)
	}
	cfg.insecureBaseURL = map[string]string{emu.Domain(): emu.URL(), emu.CustomDomain(): emu.CustomURL()}
	tg, err := cfg.target()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("suite", func(t *testing.T) { runContract(t, tg) })
	for _, a := range emu.Authenticators("auth0|dry-run") {
		if a.AuthenticatorType != "recovery-code" && !(a.OOBChannel == "email" && a.Active) {
			t.Errorf("the run left a %s/%s authenticator (active=%v) behind", a.AuthenticatorType, a.OOBChannel, a.Active)
		}
	}

	delete(env, "AUTH0_TEST_PASSWORD")
	if _, err := realTenantFromEnv(func(k string) string { return env[k] }).target(); err == nil ||
		!strings.Contains(err.Error(), "AUTH0_TEST_PASSWORD") {
		t.Errorf("a missing variable is not named: %v", err)
	}
}
