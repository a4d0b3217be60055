package mfahandler

import (
	"errors"
	"net/http"
	"net/url"
)

// errCrossSiteReferer refuses an unsafe request that names no Origin and no Sec-Fetch-Site
// but comes from another origin's page according to its Referer.
var errCrossSiteReferer = errors.New("mfahandler: cross-origin request detected from Referer header")

// crossOriginCheck is http.CrossOriginProtection, plus a second layer for requests that carry
// neither Sec-Fetch-Site nor Origin (old browsers, privacy extensions that strip them, some
// proxies), which CrossOriginProtection lets through: their Referer, when present, must name
// this origin or one the protection trusts. A request with none of the three is allowed, as by
// CrossOriginProtection (non-browser clients).
func (h *Handler) crossOriginCheck(r *http.Request) error {
	if err := h.opts.cop.Check(r); err != nil {
		return err
	}
	if r.Header.Get("Sec-Fetch-Site") != "" || r.Header.Get("Origin") != "" {
		return nil // CrossOriginProtection decided on these
	}
	ref := r.Header.Get("Referer")
	if ref == "" {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" {
		return errCrossSiteReferer
	}
	if u.Host == r.Host {
		return nil
	}
	// Ask the protection itself, so the host's trusted origins and bypasses apply: the same
	// request, with the Referer's origin as its Origin.
	probe := r.Clone(r.Context())
	probe.Header.Set("Origin", u.Scheme+"://"+u.Host)
	if err := h.opts.cop.Check(probe); err != nil {
		return errCrossSiteReferer
	}
	return nil
}
