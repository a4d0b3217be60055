package wire

import (
	"net"
	"net/url"
	"strings"
)

// HostProblem returns why domain is not a host name with an optional port, without scheme,
// path, query or user info ("your-tenant.eu.auth0.com", "login.example.com:8443"), or "" when
// it is one.
func HostProblem(domain string) string {
	switch {
	case domain == "":
		return "empty"
	case len(domain) > 260:
		return "too long"
	case strings.Contains(domain, "://"):
		return "must be a host name without scheme (use WithInsecureBaseURL for a local emulator)"
	case strings.ContainsAny(domain, "/?#@\\ \t\r\n%"):
		return "must be a host name with an optional port, without path, query or user info"
	}
	u, err := url.Parse("https://" + domain)
	if err != nil || u.Host != domain || u.Hostname() == "" {
		return "not a valid host name"
	}
	if p := u.Port(); p == "" && strings.HasSuffix(domain, ":") {
		return "empty port"
	}
	return ""
}

// ParseInsecureBase checks the base URL of a local emulator: http to a loopback host only
// (localhost, 127.0.0.0/8, ::1), or https to any host, without user info, path, query or
// fragment. It returns the scheme-and-host URL, or the problem.
func ParseInsecureBase(raw string) (*url.URL, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "not a URL"
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, "scheme must be http or https"
	case u.Host == "" || u.Hostname() == "":
		return nil, "missing host"
	case u.User != nil:
		return nil, "user info is not allowed"
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return nil, "path, query and fragment are not allowed"
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return nil, "plain http is only allowed to a loopback host (localhost, 127.0.0.0/8, ::1)"
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, ""
}

// IsLoopback reports whether host is "localhost" or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
