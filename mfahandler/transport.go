package mfahandler

import (
	"net"
	"net/http"
	"time"
)

// defaultUpstreamTimeout bounds each call to Auth0 when the host passes no client. Calls are
// never retried, so it is also the most a page waits for one call.
const defaultUpstreamTimeout = 8 * time.Second

// Connection pool of the default client. Go's default transport keeps 2 idle connections per
// host: under concurrency most calls to Auth0 then open a new connection (a TLS handshake
// each). All calls go to one host (Config.Domain), so the pool is sized for it.
const (
	maxIdleConnsPerHost = 128
	idleConnTimeout     = 90 * time.Second
)

// DefaultHTTPClient returns a new client of the kind New uses when WithHTTPClient is not given:
// an 8-second timeout per call, a connection pool sized for one busy upstream host (the tenant)
// instead of Go's default 2 idle connections per host, and bounded dial, TLS and header waits.
// Start from it when you need your own (a proxy, a custom root CA).
func DefaultHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConnsPerHost,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       idleConnTimeout,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: defaultUpstreamTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Timeout: defaultUpstreamTimeout, Transport: t}
}
