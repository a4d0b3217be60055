package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gomodule/redigo/redis"
	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/redislimit"
	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/views"
)

// demoUsers are the emulated tenant's accounts, the same as cmd/auth0emu's.
var demoUsers = []auth0test.User{
	{ID: "auth0|demo-alice", Email: "alice@example.com", Password: "alice-demo-password", Name: "Alice Demo", EmailVerified: true},
	{ID: "auth0|demo-bob", Email: "bob@example.com", Password: "bob-demo-password", Name: "Bob Demo"},
}

// demoClientID is the application registered on the emulated tenant.
const demoClientID = "selfmfa-example"

// Instance is a running example app.
type Instance struct {
	URL     string            // e.g. http://127.0.0.1:8080
	Tenant  *auth0test.Server // the emulator (nil on a real tenant)
	Handler *mfahandler.Handler

	domain    string   // the tenant's login domain, for the banner
	findings  []string // what the startup check found wrong with a real tenant
	demo      bool     // the handler runs on DemoLimits (said in the banner)
	myAccount bool     // the handler runs on the My Account API (said in the banner)
	srv       *http.Server
	served    chan struct{}
	ownTenant bool
	pool      *redis.Pool
	closeOnce sync.Once
	closeErr  error
}

// tenant is where the app signs users in.
type tenant struct {
	domain, tenantDomain, issuer, clientID, clientSecret string
}

// Start listens on cfg.Addr (and, offline, starts the emulated tenant), wires the app and serves
// it in the background until Close.
func Start(ctx context.Context, cfg Config) (*Instance, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	addr := cmp.Or(cfg.Addr, "127.0.0.1:8080")
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, errPortInUse(addr, "-addr", "APP_ADDR", err)
	} else if err != nil {
		return nil, fmt.Errorf("app: listening on %s: %w", addr, err)
	}
	inst := &Instance{served: make(chan struct{})}
	handler, err := inst.wire(ctx, cfg, ln)
	if err != nil {
		_ = ln.Close()
		_ = inst.Close()
		return nil, err
	}
	inst.srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	go func() {
		defer close(inst.served)
		if err := inst.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			cfg.Logger.Error("app: server stopped", "error", err)
		}
	}()
	return inst, nil
}

// wire builds the app on the listener: tenant, sessions, the host's login, selfmfa.
func (inst *Instance) wire(ctx context.Context, cfg Config, ln net.Listener) (http.Handler, error) {
	var t tenant
	var err error
	if cfg.Auth0 != nil {
		if t, err = inst.realTenant(ctx, cfg); err != nil {
			return nil, err
		}
	} else {
		if t, err = inst.emulatedTenant(cfg, ln); err != nil {
			return nil, err
		}
	}
	tenantURL := strings.TrimSuffix(t.issuer, "/")

	sm := scs.New()
	sm.Cookie.Name = "session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(inst.URL, "https://")
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	sm.ErrorFunc = session.ErrorFunc(cfg.Logger)

	// Sign-out forms on these pages (and selfmfa's step-up after a POST) redirect to the tenant;
	// browsers check those redirects against form-action, so the tenant is allowed there.
	csp := strings.Replace(mfahandler.DefaultContentSecurityPolicy, "form-action 'self'", "form-action 'self' "+tenantURL, 1)
	cop := http.NewCrossOriginProtection()
	mfaOpts := []mfahandler.Option{
		mfahandler.WithFactors(mfahandler.FactorTOTP, mfahandler.FactorSMS, mfahandler.FactorVoice,
			mfahandler.FactorEmail, mfahandler.FactorPush),
		mfahandler.WithClasses(views.Classes{Button: "btn", ButtonPrimary: "btn-primary", ButtonDanger: "btn-danger", Section: "card"}),
		mfahandler.WithContentSecurityPolicy(csp),
		mfahandler.WithCrossOriginProtection(cop),
		mfahandler.WithClock(cfg.Now),
		mfahandler.WithHTTPClient(cfg.HTTPClient),
		mfahandler.WithLogger(cfg.Logger),
		mfahandler.WithEvents(func(_ context.Context, e mfahandler.Event) {
			cfg.Logger.Info("app: security event", "kind", e.Kind, "user", e.User, "factor", e.Factor, "reason", e.Reason)
		}),
		// After a change of factors, offer to sign out the user's other sessions.
		mfahandler.WithSignOutOtherSessions(session.SignOutOtherSCS(sm, keyUser)),
	}
	switch {
	case cfg.Limits != nil:
		mfaOpts = append(mfaOpts, mfahandler.WithLimits(*cfg.Limits))
	case cfg.Auth0 == nil:
		mfaOpts = append(mfaOpts, mfahandler.WithLimits(DemoLimits())) // room to try every method; never in production
		inst.demo = true
	}
	if cfg.Auth0 == nil {
		mfaOpts = append(mfaOpts, mfahandler.WithInsecureLoopbackHTTP()) // the emulator speaks plain HTTP
	}
	if cfg.MyAccount {
		inst.myAccount = true
		// The handler keeps the tenant's per-user write budget: the real tenant's plan, or
		// none offline, where the emulated tenant has no per-user limits either.
		plan := mfahandler.PlanFree
		switch {
		case cfg.MyAccountPlan != nil:
			plan = *cfg.MyAccountPlan
		case cfg.Auth0 == nil:
			plan = mfahandler.PlanUnlimited
		}
		mfaOpts = append(mfaOpts, mfahandler.WithMyAccountAPI(plan))
	}
	if cfg.RedisURL != "" {
		if inst.pool, err = dialRedis(ctx, cfg.RedisURL); err != nil {
			return nil, err
		}
		sm.Store = redisstore.New(inst.pool)
		mfaOpts = append(mfaOpts, mfahandler.WithLimiter(redislimit.New(inst.pool,
			redislimit.WithClock(cfg.Now), redislimit.WithLogger(cfg.Logger))))
	}

	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, cfg.HTTPClient), t.issuer)
	if err != nil {
		return nil, fmt.Errorf("app: OpenID Connect discovery at %s: %w", t.issuer, err)
	}
	h := &host{
		sm:  sm,
		csp: csp,
		log: cfg.Logger,
		oauth: &oauth2.Config{
			ClientID:     t.clientID,
			ClientSecret: t.clientSecret,
			RedirectURL:  inst.URL + "/callback",
			Endpoint:     provider.Endpoint(),
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
		},
		verifier:  provider.Verifier(&oidc.Config{ClientID: t.clientID, Now: cfg.Now}),
		client:    cfg.HTTPClient,
		logoutURL: tenantURL + "/v2/logout?" + url.Values{"client_id": {t.clientID}, "returnTo": {inst.URL + "/"}}.Encode(),
	}
	h.oauth.Endpoint.AuthStyle = oauth2.AuthStyleInParams // Auth0's default: client_secret_post
	if inst.ownTenant {
		h.devPages = inst.Tenant.URL()
	}
	mfaOpts = append(mfaOpts, mfahandler.WithLayout(h.mfaLayout), mfahandler.WithUnauthenticated(http.HandlerFunc(h.toLogin)),
		// Every user of Example is asked, on its own account page, to add a second step within
		// two weeks; after that the payouts page needs one (Auth0's own enrollment page stays
		// off: the tenant's policy is "Never").
		mfahandler.WithPolicy(mfahandler.Policy{Grace: PolicyGrace}))
	mfaOpts = append(mfaOpts, cfg.HandlerOptions...)

	inst.Handler, err = mfahandler.New(mfahandler.Config{
		Domain:       t.domain,
		TenantDomain: t.tenantDomain,
		ClientID:     t.clientID,
		ClientSecret: t.clientSecret,
		RedirectURL:  inst.URL + "/account/mfa/callback",
		Sessions:     session.NewSCS(sm),
		CurrentUser:  h.currentUser,
	}, mfaOpts...)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	// The host's login asks for selfmfa's audience and scopes and hands the token over.
	h.mfa = inst.Handler
	h.oauth.Scopes = append(inst.Handler.StepUpScopes(), "profile") // StepUpScopes has email
	return h.routes(inst.Handler, inst.Handler.Pattern(), cop), nil
}

// emulatedTenant starts (or adopts) the auth0test emulator and registers the app on it.
func (inst *Instance) emulatedTenant(cfg Config, ln net.Listener) (tenant, error) {
	a := ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	inst.URL = "http://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
	callbacks := []string{inst.URL + "/callback", inst.URL + "/account/mfa/callback"}

	emu := cfg.Tenant
	if emu == nil {
		addr := cmp.Or(cfg.TenantAddr, "127.0.0.1:8081")
		opts := []auth0test.Option{
			auth0test.WithAddr(addr),
			auth0test.WithClock(cfg.Now),
			auth0test.WithClient(demoClientID, rand.Text(), callbacks...),
			auth0test.WithLogoutURLs(demoClientID, inst.URL+"/"),
			auth0test.WithUsers(demoUsers...),
			auth0test.WithTenantName("Example"),
			auth0test.WithSettings(auth0test.Settings{
				Factors: map[auth0test.Factor]bool{auth0test.FactorOTP: true, auth0test.FactorSMS: true, auth0test.FactorVoice: true,
					auth0test.FactorEmail: true, auth0test.FactorPush: true, auth0test.FactorRecoveryCode: true},
				RecoveryCodes: true,
				Policy:        auth0test.PolicyChallengeIfEnrolled,
			}),
			auth0test.WithDevPages(true), // /_dev/inbox shows sent codes, /_dev/guardian approves pushes
			auth0test.WithLogger(emulatorLogger(cfg)),
			auth0test.WithMyAccountGrant(demoClientID), // used when the handler runs on My Account
			// Every page reads the list: Auth0's per-user read limits (Free 2, Enterprise 5 a
			// minute) would stop a demo within a minute; a real tenant has its plan's.
			auth0test.WithMyAccountPlan(auth0test.PlanUnlimited),
		}
		var err error
		emu, err = auth0test.NewServer(append(opts, cfg.EmulatorOptions...)...)
		if errors.Is(err, syscall.EADDRINUSE) {
			return tenant{}, errPortInUse(addr, "-tenant-addr", "TENANT_ADDR", err)
		} else if err != nil {
			return tenant{}, fmt.Errorf("app: starting the emulated tenant: %w", err)
		}
		inst.ownTenant = true
	} else {
		for _, cb := range callbacks {
			if err := emu.AddRedirectURI(emu.ClientID(), cb); err != nil {
				return tenant{}, fmt.Errorf("app: %w", err)
			}
		}
		if err := emu.AddLogoutURL(emu.ClientID(), inst.URL+"/"); err != nil {
			return tenant{}, fmt.Errorf("app: %w", err)
		}
	}
	inst.Tenant, inst.domain = emu, emu.Domain()
	return tenant{domain: emu.Domain(), tenantDomain: emu.Domain(), issuer: emu.Issuer(),
		clientID: emu.ClientID(), clientSecret: emu.ClientSecret()}, nil
}

// realTenant checks the Auth0 settings and reports what looks wrong (without failing: a
// finding may be a false alarm, and the log line then explains the first failed sign-in).
func (inst *Instance) realTenant(ctx context.Context, cfg Config) (tenant, error) {
	a := *cfg.Auth0
	u, err := url.Parse(a.CallbackBase)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil ||
		(u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return tenant{}, errNoCallbackBase
	}
	inst.URL = u.Scheme + "://" + u.Host
	inst.domain = a.Domain
	base := "https://" + a.Domain
	inst.findings = checkTenant(ctx, cfg.HTTPClient, base, base+"/", a, cfg.MyAccount)
	for _, f := range inst.findings {
		cfg.Logger.Warn("app: Auth0 tenant check", "finding", f)
	}
	return tenant{domain: a.Domain, tenantDomain: a.TenantDomain, issuer: base + "/",
		clientID: a.ClientID, clientSecret: a.ClientSecret}, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// dialRedis returns a pool for REDIS_URL once a PING has answered.
func dialRedis(ctx context.Context, rawURL string) (*redis.Pool, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, errors.New("app: REDIS_URL must look like redis://[:password@]host:6379/0")
	}
	pool := &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			return redis.DialURLContext(ctx, rawURL, redis.DialConnectTimeout(5*time.Second),
				redis.DialReadTimeout(5*time.Second), redis.DialWriteTimeout(5*time.Second))
		},
		MaxIdle:     16,
		MaxActive:   64,
		IdleTimeout: 5 * time.Minute,
		Wait:        true,
	}
	conn, err := pool.GetContext(ctx)
	if err == nil {
		_, err = conn.Do("PING")
		_ = conn.Close()
	}
	if err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("app: Redis at %s: %w", u.Redacted(), err)
	}
	return pool, nil
}

// Close stops the app (waiting up to 5 s for requests in flight), then the emulator it started
// and the Redis pool. It may be called more than once.
func (inst *Instance) Close() error {
	inst.closeOnce.Do(func() {
		var errs []error
		if inst.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			errs = append(errs, inst.srv.Shutdown(ctx))
			cancel()
			<-inst.served
		}
		if inst.ownTenant {
			inst.Tenant.Close()
		}
		if inst.pool != nil {
			errs = append(errs, inst.pool.Close())
		}
		if err := errors.Join(errs...); err != nil {
			inst.closeErr = fmt.Errorf("app: close: %w", err)
		}
	})
	return inst.closeErr
}

// Banner is what to print at start: the URL to open and, offline, the demo accounts and the
// emulator's dev pages; on a real tenant, what the startup check found.
func (inst *Instance) Banner() string {
	var b strings.Builder
	fmt.Fprintf(&b, "selfmfa example: open %s\n", inst.URL)
	if inst.Tenant == nil {
		fmt.Fprintf(&b, "  Auth0 tenant: %s\n", inst.domain)
		if len(inst.findings) == 0 {
			b.WriteString("  tenant check: no problems found\n")
		}
		for _, f := range inst.findings {
			fmt.Fprintf(&b, "  tenant check: %s\n", f)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "  emulated Auth0 tenant (offline) at %s; sign in as\n", inst.Tenant.URL())
	for _, u := range inst.Tenant.Users() {
		fmt.Fprintf(&b, "    %s  password %s\n", u.Email, u.Password)
	}
	fmt.Fprintf(&b, "  codes sent by SMS, voice and email: %s/_dev/inbox\n", inst.Tenant.URL())
	fmt.Fprintf(&b, "  approve Guardian push requests:     %s/_dev/guardian\n", inst.Tenant.URL())
	if inst.demo {
		b.WriteString("  demo limits (this example only, not for production): " + demoLimitsText + "\n")
	}
	if inst.myAccount {
		b.WriteString("  backend: Auth0's My Account API (names, dates, rename, a phone's channel)\n")
	}
	return b.String()
}
