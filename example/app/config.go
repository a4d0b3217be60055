package app

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// Config is how the example runs. The zero value runs offline on an embedded emulated tenant
// at 127.0.0.1:8081, with the app at http://127.0.0.1:8080.
type Config struct {
	// Addr is the app's listen address; "" = 127.0.0.1:8080 (tests pass 127.0.0.1:0).
	Addr string
	// TenantAddr is the emulated tenant's listen address when offline; "" = 127.0.0.1:8081.
	TenantAddr string
	// Auth0 selects a real tenant; nil runs offline on an embedded auth0test emulator.
	Auth0 *Auth0Config
	// RedisURL ("redis://host:6379/0") keeps sessions and the handler's attempt limits in Redis,
	// so several instances share them. "" keeps both in memory.
	RedisURL string
	// Now is the one clock of the emulator, the handler and go-oidc; nil = time.Now.
	Now func() time.Time
	// Logger receives the app's log lines; nil = slog.Default().
	Logger *slog.Logger
	// Tenant is an emulator the caller controls (tests). Start registers the app's callbacks on
	// its first client and does not close it; TenantAddr is then ignored.
	Tenant *auth0test.Server
	// EmulatorOptions are added after the example's own when it starts the emulator.
	EmulatorOptions []auth0test.Option
	// HandlerOptions are added after the example's own options of selfmfa's handler (tests).
	HandlerOptions []mfahandler.Option
	// HTTPClient makes every call to the tenant; nil = a client with a 10 s timeout.
	HTTPClient *http.Client
	// Verbose logs every request the emulated tenant serves (about 65 per authenticator-app
	// journey); by default only its warnings and errors are logged, so the banner stays in view.
	Verbose bool
	// MyAccount runs the handler on Auth0's My Account API (mfahandler.WithMyAccountAPI)
	// instead of the MFA API; offline, the emulated tenant grants it to the demo client.
	MyAccount bool
	// MyAccountPlan is the tenant's plan, whose per-user write limit the handler keeps
	// (SELFMFA_MY_ACCOUNT_PLAN: free, essentials, professional or enterprise). nil: free (the
	// strictest) on a real tenant; offline none, as the emulated tenant has no per-user limits.
	MyAccountPlan *mfahandler.MyAccountPlan
	// Limits replaces the handler's attempt limits. nil = DemoLimits offline (room to try
	// every method) and mfahandler.DefaultLimits on a real tenant; tests of the production
	// limits pass DefaultLimits here.
	Limits *mfahandler.Limits
}

// Auth0Config is a real tenant and its Regular Web Application.
type Auth0Config struct {
	Domain       string // the domain users log in through: acme.eu.auth0.com or a custom domain
	TenantDomain string // the canonical *.auth0.com domain; "" when Domain is already one
	ClientID     string
	ClientSecret string
	CallbackBase string // the app's public URL, e.g. https://app.example.com
}

// ConfigFromEnv reads the configuration from environment variables:
//
//	APP_ADDR, TENANT_ADDR        listen addresses (the -addr and -tenant-addr flags)
//	REDIS_URL                    shared sessions and limits, e.g. redis://127.0.0.1:6379/0
//	AUTH0_DOMAIN                 set any AUTH0_* variable to use a real tenant instead of the emulator
//	AUTH0_TENANT_DOMAIN          required when AUTH0_DOMAIN is a custom domain
//	AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
//	AUTH0_CALLBACK_BASE          the app's public URL (APP_URL is accepted too)
//	SELFMFA_BACKEND              my-account: the My Account API instead of the MFA API (the -my-account flag)
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Addr:          getenv("APP_ADDR"),
		TenantAddr:    getenv("TENANT_ADDR"),
		RedisURL:      getenv("REDIS_URL"),
		MyAccount:     getenv("SELFMFA_BACKEND") == "my-account",
		MyAccountPlan: planFromEnv(getenv("SELFMFA_MY_ACCOUNT_PLAN")),
	}
	a := Auth0Config{
		Domain:       getenv("AUTH0_DOMAIN"),
		TenantDomain: getenv("AUTH0_TENANT_DOMAIN"),
		ClientID:     getenv("AUTH0_CLIENT_ID"),
		ClientSecret: getenv("AUTH0_CLIENT_SECRET"),
		CallbackBase: getenv("AUTH0_CALLBACK_BASE"),
	}
	if a == (Auth0Config{}) {
		return cfg, nil // offline
	}
	a.CallbackBase = cmp.Or(a.CallbackBase, getenv("APP_URL"))
	var missing []string
	for _, v := range []struct{ name, val string }{
		{"AUTH0_DOMAIN", a.Domain},
		{"AUTH0_CLIENT_ID", a.ClientID},
		{"AUTH0_CLIENT_SECRET", a.ClientSecret},
		{"AUTH0_CALLBACK_BASE (or APP_URL)", a.CallbackBase},
	} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if a.Domain != "" && a.TenantDomain == "" && !strings.HasSuffix(hostname(a.Domain), ".auth0.com") {
		missing = append(missing, "AUTH0_TENANT_DOMAIN (AUTH0_DOMAIN is a custom domain; the MFA API needs the canonical *.auth0.com one)")
	}
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("app: a real Auth0 tenant also needs %s; unset every AUTH0_* variable to run offline",
			strings.Join(missing, ", "))
	}
	cfg.Auth0 = &a
	return cfg, nil
}

// hostname is host without its port, lower case.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(host)
}

// errPortInUse names the flag and variable that move a listener.
func errPortInUse(addr, flag, env string, err error) error {
	return fmt.Errorf("app: cannot listen on %s: the port is in use; choose another with %s (or %s): %w", addr, flag, env, err)
}

var errNoCallbackBase = errors.New("app: Auth0.CallbackBase (AUTH0_CALLBACK_BASE) must be the app's absolute URL, " +
	"https (plain http only on localhost), with no path, e.g. https://app.example.com")

// planFromEnv reads SELFMFA_MY_ACCOUNT_PLAN; nil when unset or unknown (free on a real tenant).
func planFromEnv(v string) *mfahandler.MyAccountPlan {
	p, ok := map[string]mfahandler.MyAccountPlan{"free": mfahandler.PlanFree, "essentials": mfahandler.PlanEssentials,
		"professional": mfahandler.PlanEssentials, "enterprise": mfahandler.PlanEnterprise}[v]
	if !ok {
		return nil
	}
	return &p
}

// PolicyGrace is how long Example's users have to add a second sign-in step (WithPolicy).
const PolicyGrace = 14 * 24 * time.Hour
