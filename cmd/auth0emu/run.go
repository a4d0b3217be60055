package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// demoUsers are fixed, readable demo accounts: this is a dev emulator.
var demoUsers = []auth0test.User{
	{ID: "auth0|demo-alice", Email: "alice@example.com", Password: "alice-demo-password", Name: "Alice Demo", EmailVerified: true},
	{ID: "auth0|demo-bob", Email: "bob@example.com", Password: "bob-demo-password", Name: "Bob Demo"},
}

// shutdownTimeout bounds the graceful shutdown after SIGINT/SIGTERM.
const shutdownTimeout = 5 * time.Second

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	addr, factors, policy, tenantName, clientID, clientSecret string
	controlAddr                                               string
	callbacks, logoutURLs                                     listFlag
	allowNonLoopback, recoveryCodes, devPages, logRequests    bool
	tls                                                       bool
	rateLimit                                                 int
	myAccountPlan                                             string
	passkeys                                                  bool
	passkeyRPID                                               string
	webOrigins                                                listFlag
}

// errHelp is returned after -help printed the usage: the command then exits 0.
var errHelp = errors.New("auth0emu: help shown")

const usageHead = `auth0emu runs an emulated Auth0 tenant (Universal Login, the Authentication API's
MFA endpoints, Guardian push) on loopback, for development and for tests in any language.

Usage: auth0emu [flags]

It prints one JSON line to stdout (issuer, domains, client credentials, MFA audience, dev
pages, demo users, control_url and control_token), logs to stderr, and serves until SIGINT
or SIGTERM. Not a security boundary: demo passwords are fixed and /_dev/inbox shows codes.

Flags:
`

const usageTail = `
Control interface (JSON, at control_url, every request with
"Authorization: Bearer {control_token}"):
  GET    /users                          users
  POST   /users                          add one: {"email","password","name","email_verified","sub"}
  GET    /users/{sub}/authenticators     what GET /mfa/authenticators lists (otp ones with "secret")
  POST   /users/{sub}/authenticators     seed an active one: {"kind":"otp|sms|voice|email|push|recovery-code","phone","email","secret","recovery_code"}
  POST   /users/{sub}/access-token       an MFA API token (or {"audience","scope","ttl_seconds"})
  GET    /users/{sub}/pushes             pending Guardian pushes
  POST   /pushes/{id}/approve|reject     decide one as the Guardian app would
  GET    /authenticators/{id}/totp-code  the current code of an otp authenticator
  GET    /inbox[?to=ADDRESS]             every SMS, voice and email code sent
  GET    /clock, POST /clock             the tenant's clock: {"advance":"30s"} or {"now":"RFC 3339"}
  POST   /faults, DELETE /faults         inject: {"path","method","status","code","description",
                                         "latency_ms","retry_after_seconds","hang","malformed_body",
                                         "oversized_body","times"}; clear all
`

func parseFlags(args []string, stdout io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("auth0emu", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // a bad flag is an error, -help prints the usage below
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8081", "listen address")
	fs.Var(&o.callbacks, "callback", "allowed callback URL of the demo client (repeatable)")
	fs.Var(&o.logoutURLs, "logout-url", "allowed logout URL (repeatable)")
	fs.BoolVar(&o.allowNonLoopback, "allow-non-loopback", false, "allow a non-loopback -addr (the dev inbox shows codes)")
	fs.BoolVar(&o.recoveryCodes, "recovery-codes", true, "return a recovery code on the first enrollment")
	fs.StringVar(&o.factors, "factors", "otp,sms,voice,email,push", "enabled factors, comma-separated")
	fs.StringVar(&o.policy, "policy", string(auth0test.DefaultSettings().Policy), "MFA policy: never, always, challenge-if-enrolled")
	fs.StringVar(&o.tenantName, "tenant-name", "auth0emu", "tenant friendly name")
	fs.StringVar(&o.clientID, "client-id", "auth0emu-demo", "demo client id")
	fs.StringVar(&o.clientSecret, "client-secret", "", "demo client secret (default: random)")
	fs.BoolVar(&o.devPages, "dev-pages", true, "serve /_dev/inbox and /_dev/guardian")
	fs.BoolVar(&o.logRequests, "log-requests", false, "log one line per request to stderr (never query strings, bodies or tokens)")
	fs.BoolVar(&o.tls, "tls", false, "serve https with a certificate of a test CA (its PEM is ca_cert_pem in the startup line)")
	fs.StringVar(&o.myAccountPlan, "my-account-plan", string(auth0test.PlanFree), "the plan whose per-user My Account API limits apply: free, essentials, enterprise, unlimited")
	fs.StringVar(&o.controlAddr, "control-addr", "127.0.0.1:0", `listen address of the JSON control interface ("off": none)`)
	fs.BoolVar(&o.passkeys, "passkeys", true, "enroll passkeys through the My Account API and sign in with them on the login page")
	fs.StringVar(&o.passkeyRPID, "passkey-rp-id", "", `the passkeys' relying party id (default: the custom domain's host, "localhost")`)
	fs.Var(&o.webOrigins, "web-origin", "an Allowed Web Origin of the demo client, where passkeys may be registered from (repeatable; default: the callbacks' origins)")
	fs.IntVar(&o.rateLimit, "rate-limit", auth0test.RateLimit, "requests per minute the whole tenant answers before 429, as on Auth0's Free plan (0: no limit)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fmt.Fprint(stdout, usageTail)
			return nil, errHelp
		}
		return nil, fmt.Errorf("auth0emu: %w (auth0emu -help lists the flags)", err)
	}
	switch auth0test.MyAccountPlan(o.myAccountPlan) {
	case auth0test.PlanFree, auth0test.PlanEssentials, auth0test.PlanEnterprise, auth0test.PlanUnlimited:
	default:
		return nil, fmt.Errorf("auth0emu: -my-account-plan %q: want free, essentials, enterprise or unlimited", o.myAccountPlan)
	}
	if o.rateLimit < 0 {
		return nil, fmt.Errorf("auth0emu: -rate-limit %d: want 0 (no limit) or more", o.rateLimit)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("auth0emu: unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// checkLoopback refuses addresses other browsers could reach.
func checkLoopback(addr string, allow bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("auth0emu: -addr %q: %w", addr, err)
	}
	if allow {
		return nil
	}
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("auth0emu: refusing to listen on %q: the emulator is not a security boundary and /_dev/inbox shows one-time codes; use a loopback address or pass -allow-non-loopback", addr)
}

func (o *options) settings() (auth0test.Settings, error) {
	s := auth0test.Settings{Factors: map[auth0test.Factor]bool{}, RecoveryCodes: o.recoveryCodes, FriendlyName: o.tenantName, Passkeys: o.passkeys}
	known := map[string]bool{"otp": true, "sms": true, "voice": true, "email": true, "push": true}
	for _, f := range strings.Split(o.factors, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !known[f] {
			return s, fmt.Errorf("auth0emu: unknown factor %q (want otp, sms, voice, email, push)", f)
		}
		s.Factors[auth0test.Factor(f)] = true
	}
	if o.recoveryCodes {
		s.Factors[auth0test.FactorRecoveryCode] = true
	}
	switch p := auth0test.Policy(o.policy); p {
	case auth0test.PolicyNever, auth0test.PolicyAlways, auth0test.PolicyChallengeIfEnrolled:
		s.Policy = p
	default:
		return s, fmt.Errorf("auth0emu: unknown policy %q (want never, always, challenge-if-enrolled)", o.policy)
	}
	return s, nil
}

// startup is the JSON line printed once the server listens.
type startup struct {
	Issuer            string     `json:"issuer"`
	Domain            string     `json:"domain"`
	CustomDomain      string     `json:"custom_domain"`
	CustomIssuer      string     `json:"custom_issuer"`
	ClientID          string     `json:"client_id"`
	ClientSecret      string     `json:"client_secret"`
	RedirectURIs      []string   `json:"redirect_uris"`
	LogoutURLs        []string   `json:"logout_urls"`
	MFAAudience       string     `json:"mfa_audience"`
	CustomMFAAudience string     `json:"custom_mfa_audience"`
	MeAudience        string     `json:"me_audience"`
	CustomMeAudience  string     `json:"custom_me_audience"`
	DevInbox          string     `json:"dev_inbox,omitempty"`
	DevGuardian       string     `json:"dev_guardian,omitempty"`
	Policy            string     `json:"policy"`
	Factors           []string   `json:"factors"`
	RecoveryCodes     bool       `json:"recovery_codes"`
	Users             []demoUser `json:"users"`
	ControlURL        string     `json:"control_url,omitempty"`
	ControlToken      string     `json:"control_token,omitempty"`
	CACertPEM         string     `json:"ca_cert_pem,omitempty"` // -tls: the CA to trust
}

type demoUser struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Sub      string `json:"sub"`
}

// run starts the emulator, prints the startup line to stdout, logs to
// stderr, and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if err := checkLoopback(o.addr, o.allowNonLoopback); err != nil {
		return err
	}
	if o.controlAddr != "off" {
		if err := checkLoopback(o.controlAddr, o.allowNonLoopback); err != nil {
			return err
		}
	}
	settings, err := o.settings()
	if err != nil {
		return err
	}
	secret := o.clientSecret
	if secret == "" {
		secret = rand.Text()
	}
	opts := []auth0test.Option{
		auth0test.WithAddr(o.addr),
		auth0test.WithClient(o.clientID, secret, o.callbacks...),
		auth0test.WithSettings(settings),
		auth0test.WithTenantName(o.tenantName),
		auth0test.WithUsers(demoUsers...),
		auth0test.WithDevPages(o.devPages),
		auth0test.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))),
		auth0test.WithRequestLog(o.logRequests),
		auth0test.WithRateLimit(o.rateLimit, time.Minute),
		auth0test.WithMyAccountGrant(o.clientID), // the demo client may use the My Account API
		auth0test.WithMyAccountPlan(auth0test.MyAccountPlan(o.myAccountPlan)),
	}
	if o.tls {
		opts = append(opts, auth0test.WithTLS())
	}
	if len(o.logoutURLs) > 0 {
		opts = append(opts, auth0test.WithLogoutURLs(o.clientID, o.logoutURLs...))
	}
	if o.passkeyRPID != "" {
		opts = append(opts, auth0test.WithPasskeyRPID(o.passkeyRPID))
	}
	if len(o.webOrigins) > 0 {
		opts = append(opts, auth0test.WithWebOrigins(o.clientID, o.webOrigins...))
	}
	s, err := auth0test.NewServer(opts...)
	if err != nil {
		return fmt.Errorf("auth0emu: %w", err)
	}
	line := startup{
		Issuer: s.Issuer(), Domain: s.Domain(), CustomDomain: s.CustomDomain(), CustomIssuer: s.CustomIssuer(),
		ClientID: s.ClientID(), ClientSecret: s.ClientSecret(),
		RedirectURIs: append([]string{}, o.callbacks...), LogoutURLs: append([]string{}, o.logoutURLs...),
		MFAAudience: s.MFAAudience(), CustomMFAAudience: s.CustomMFAAudience(),
		MeAudience: s.MeAudience(), CustomMeAudience: s.CustomMeAudience(),
		Policy: string(settings.Policy), RecoveryCodes: settings.RecoveryCodes, Factors: []string{},
		CACertPEM: string(s.CACertPEM()),
	}
	for _, f := range []auth0test.Factor{auth0test.FactorOTP, auth0test.FactorSMS, auth0test.FactorVoice, auth0test.FactorEmail, auth0test.FactorPush} {
		if settings.Factors[f] {
			line.Factors = append(line.Factors, string(f))
		}
	}
	if o.devPages {
		line.DevInbox, line.DevGuardian = s.URL()+"/_dev/inbox", s.URL()+"/_dev/guardian"
	}
	for _, u := range demoUsers {
		line.Users = append(line.Users, demoUser{Email: u.Email, Password: u.Password, Sub: u.ID})
	}
	stopControl := func() {}
	if o.controlAddr != "off" {
		line.ControlToken = rand.Text()
		line.ControlURL, stopControl, err = serveControl(ctx, o.controlAddr, &control{s: s, token: line.ControlToken})
		if err != nil {
			s.Close()
			return err
		}
	}
	defer stopControl()
	b, err := json.Marshal(line)
	if err != nil {
		s.Close()
		return fmt.Errorf("auth0emu: encoding startup line: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
		s.Close()
		return fmt.Errorf("auth0emu: writing startup line: %w", err)
	}

	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("auth0emu: %w", err)
	}
	return nil
}
