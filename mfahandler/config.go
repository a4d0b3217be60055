package mfahandler

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/selfmfa/selfmfa/session"
)

// Config holds the settings New cannot default. Everything else is an Option.
type Config struct {
	// Domain is the host your users log in through, and the host /authorize, /oauth/token and
	// /mfa/* are sent to: your custom domain ("login.example.com") or the tenant's own
	// ("acme.eu.auth0.com"). A host name, optionally with a port; no scheme, no path.
	Domain string

	// TenantDomain is the canonical "*.auth0.com" name of the tenant. The MFA API audience is
	// always built from it ("https://{TenantDomain}/mfa/"), never from a custom domain: a token
	// for "https://{custom-domain}/mfa/" lets /mfa/associate succeed and then fails every
	// confirmation with "invalid audience". Leave it empty only when Domain is itself the
	// canonical *.auth0.com domain.
	TenantDomain string

	// ClientID and ClientSecret identify a Regular Web Application with the MFA grant type
	// enabled (Applications > your app > Advanced Settings > Grant Types > MFA).
	ClientID     string
	ClientSecret string

	// RedirectURL is the absolute callback URL registered in the application's Allowed Callback
	// URLs: scheme, host and the handler's base path followed by "/callback", for example
	// "https://app.example.com/account/mfa/callback". It is never derived from the request.
	RedirectURL string

	// Sessions is the host's session store (session.NewSCS wraps an *scs.SessionManager). It must
	// keep its data server-side: it holds the MFA API token and the pending enrollment.
	Sessions session.Store

	// CurrentUser returns the Auth0 subject ("auth0|123…") of the host's signed-in user, and
	// false when nobody is signed in. After the step-up login, the ID token's sub must equal it.
	CurrentUser func(r *http.Request) (sub string, ok bool)
}

// ErrCustomDomainAudience is returned by New when Domain is a custom domain and TenantDomain is
// empty: the MFA audience cannot be built from a custom domain.
var ErrCustomDomainAudience = errors.New("mfahandler: Domain looks like a custom domain and TenantDomain is empty; " +
	"Auth0's MFA API only accepts tokens for the audience https://{TENANT}.auth0.com/mfa/ — with the custom-domain " +
	"audience /mfa/associate succeeds but every confirmation fails with \"invalid audience\". Set TenantDomain to the " +
	"tenant's canonical domain (Dashboard > Settings > Domain, e.g. acme.eu.auth0.com)")

func isAuth0Domain(host string) bool {
	h := hostOnly(host)
	return strings.HasSuffix(h, ".auth0.com")
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.ToLower(h)
	}
	return strings.ToLower(hostport)
}

func isLoopbackHost(hostport string) bool {
	h := hostOnly(hostport)
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// validDomain checks a bare host[:port] value.
func validDomain(field, d string) error {
	if d == "" {
		return fmt.Errorf("mfahandler: Config.%s is required", field)
	}
	if strings.Contains(d, "://") || strings.ContainsAny(d, "/?#@ \t\r\n") {
		return fmt.Errorf("mfahandler: Config.%s must be a host name such as acme.eu.auth0.com, without scheme or path; got %q", field, d)
	}
	u, err := url.Parse("https://" + d + "/")
	if err != nil || u.Host != d || u.Hostname() == "" {
		return fmt.Errorf("mfahandler: Config.%s %q is not a valid host name", field, d)
	}
	return nil
}

// validate checks cfg against the resolved options and fills TenantDomain.
func (cfg *Config) validate(o *options) error {
	var errs []error
	if err := validDomain("Domain", cfg.Domain); err != nil {
		errs = append(errs, err)
	}
	if cfg.TenantDomain == "" && cfg.Domain != "" && o.myAccount {
		// The My Account API takes the custom domain as its audience: one host throughout.
		cfg.TenantDomain = cfg.Domain
	} else if cfg.TenantDomain == "" && cfg.Domain != "" {
		if isAuth0Domain(cfg.Domain) {
			cfg.TenantDomain = cfg.Domain
		} else {
			errs = append(errs, ErrCustomDomainAudience)
		}
	} else if cfg.TenantDomain != "" {
		if err := validDomain("TenantDomain", cfg.TenantDomain); err != nil {
			errs = append(errs, err)
		} else if !o.myAccount && !isAuth0Domain(cfg.TenantDomain) && !(o.loopbackTenant() && isLoopbackHost(cfg.TenantDomain)) {
			errs = append(errs, fmt.Errorf("mfahandler: Config.TenantDomain %q is not a canonical *.auth0.com domain; "+
				"the MFA API audience must be built from the tenant's own domain, not a custom one", cfg.TenantDomain))
		}
	}
	if cfg.Domain != "" && isLoopbackHost(cfg.Domain) && !o.loopbackTenant() {
		errs = append(errs, fmt.Errorf("mfahandler: Config.Domain %q is a loopback address; to use the emulated tenant (auth0test) pass WithInsecureLoopbackHTTP() (or WithLoopbackTenant() when it serves https, auth0test.WithTLS)", cfg.Domain))
	}
	if o.loopbackTenant() && cfg.Domain != "" && !isLoopbackHost(cfg.Domain) {
		errs = append(errs, fmt.Errorf("mfahandler: WithInsecureLoopbackHTTP and WithLoopbackTenant are only for a tenant on a loopback address; Config.Domain is %q", cfg.Domain))
	}
	if cfg.ClientID == "" {
		errs = append(errs, errors.New("mfahandler: Config.ClientID is required"))
	}
	if cfg.ClientSecret == "" {
		errs = append(errs, errors.New("mfahandler: Config.ClientSecret is required (a Regular Web Application authenticates at /oauth/token)"))
	}
	if cfg.Sessions == nil {
		errs = append(errs, errors.New("mfahandler: Config.Sessions is required (for scs: session.NewSCS(sessionManager))"))
	} else if c, ok := cfg.Sessions.(session.ConfigChecker); ok {
		// Over HTTPS (production) the session holding the MFA API token must be configured
		// safely; session.SCS checks its scs manager (security catalogue T34).
		if err := c.CheckConfig(isHTTPS(cfg.RedirectURL)); err != nil {
			errs = append(errs, fmt.Errorf("mfahandler: Config.Sessions is not configured safely: %w", err))
		}
	}
	if _, ok := cfg.Sessions.(session.Renewer); cfg.Sessions != nil && !ok && !o.noSessionRenewal {
		errs = append(errs, fmt.Errorf("mfahandler: Config.Sessions (%T) does not implement session.Renewer: the session "+
			"identifier must change after the step-up login and after a factor is added or removed; implement Renew "+
			"(session.NewSCS does), or pass WithoutSessionRenewal() if the host rotates it itself", cfg.Sessions))
	}
	if cfg.CurrentUser == nil {
		errs = append(errs, errors.New("mfahandler: Config.CurrentUser is required"))
	}
	if err := validateRedirectURL(cfg.RedirectURL, o.basePath); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// isHTTPS reports whether raw is an https URL (any letter case).
func isHTTPS(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https"
}

func validateRedirectURL(raw, basePath string) error {
	if raw == "" {
		return errors.New("mfahandler: Config.RedirectURL is required (e.g. https://app.example.com" + basePath + "/callback)")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("mfahandler: Config.RedirectURL %q must be an absolute URL", raw)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Host)) {
		return fmt.Errorf("mfahandler: Config.RedirectURL %q must use https (plain http only on loopback)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("mfahandler: Config.RedirectURL %q must not carry a query, fragment or user info", raw)
	}
	if u.Path != basePath+"/callback" {
		return fmt.Errorf("mfahandler: Config.RedirectURL path is %q; it must be the handler's callback %q", u.Path, basePath+"/callback")
	}
	return nil
}
