package mfahandler

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	// loginTTL is how long a step-up transaction may take, Auth0 login page included.
	loginTTL = 15 * time.Minute
	// maxLogins is how many step-up transactions a session keeps at once (one per open tab).
	maxLogins = 3
	// authTimeSkew tolerates clock differences with Auth0 when checking auth_time.
	authTimeSkew = 30 * time.Second
	// freshTokenWindow: a token Auth0 refuses this soon after the step-up that produced it is
	// not stale; another step-up would only loop, so the user gets an error page instead.
	freshTokenWindow = time.Minute
)

// safeResume returns p if it is a same-origin path under the base path, else the base page.
func (h *Handler) safeResume(p string) string {
	def := h.path("/")
	if p == "" || len(p) > 512 || !strings.HasPrefix(p, h.opts.basePath+"/") {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" || u.ForceQuery {
		return def
	}
	if strings.ContainsAny(p, "\\\r\n\t") || strings.Contains(p, "//") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") {
		return def
	}
	// Browsers treat %2e in a path as a dot: check the decoded path too (no dot segments, no
	// encoded backslash or control character), so "/account/mfa/%2e%2e/%2e%2e/admin" cannot
	// leave the base path.
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	if clean != u.Path || !strings.HasPrefix(u.Path, h.opts.basePath+"/") || hasControlOrBackslash(u.Path) {
		return def
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return def
	}
	for k, vs := range q {
		for _, v := range append(vs, k) {
			if hasControlOrBackslash(v) {
				return def
			}
		}
	}
	if u.Path == h.path("/callback") || u.Path == h.path("/login") {
		return def
	}
	return p
}

func hasControlOrBackslash(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) >= 0
}

// startLogin records a step-up transaction and redirects to Auth0's /authorize for the MFA
// API audience.
func (h *Handler) startLogin(w http.ResponseWriter, r *http.Request, sub, resume string) error {
	return h.startLoginPrompt(w, r, sub, resume, false)
}

func (h *Handler) startLoginPrompt(w http.ResponseWriter, r *http.Request, sub, resume string, forceLogin bool) error {
	now := h.opts.now()
	rec := loginRecord{
		State:    rand.Text(),
		Nonce:    rand.Text(),
		Verifier: oauth2.GenerateVerifier(),
		Sub:      sub,
		Resume:   h.safeResume(resume),
		Created:  now,
	}
	var logins []loginRecord
	if err := h.load(r, keyLogin, &logins); err != nil && !errors.Is(err, errNoRecord) {
		return err
	}
	rec.CrossSite = crossSite(r)
	kept := keepLogins(logins, rec, now)
	if err := h.save(w, r, keyLogin, kept); err != nil {
		return err
	}
	params := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(rec.Verifier),
		oauth2.SetAuthURLParam("audience", h.audience),
		oauth2.SetAuthURLParam("nonce", rec.Nonce),
		oauth2.SetAuthURLParam("max_age", strconv.Itoa(int(h.opts.maxAge/time.Second))),
	}
	if forceLogin {
		params = append(params, oauth2.SetAuthURLParam("prompt", "login"))
	}
	target := h.oauth.AuthCodeURL(rec.State, params...)
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// loginPage starts a step-up login explicitly: GET {base}/login?return=/account/mfa/…
func (h *Handler) loginPage(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w)
	}
	// fresh=1 (prompt=login) is our own "Try again" link: a link from another site cannot make
	// the user type their password again.
	fresh := r.URL.Query().Get("fresh") == "1"
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		fresh = false
	}
	return h.startLoginPrompt(w, r.Request, r.sub, r.URL.Query().Get("return"), fresh)
}

// callback completes the step-up: one of the two GETs that complete a step (named exception).
func (h *Handler) callback(w http.ResponseWriter, r *request) error {
	q := r.URL.Query()
	var logins []loginRecord
	if err := h.load(r.Request, keyLogin, &logins); err != nil && !errors.Is(err, errNoRecord) {
		return err
	}
	state := q.Get("state")
	idx := -1
	for i, l := range logins {
		if state != "" && subtle.ConstantTimeCompare([]byte(l.State), []byte(state)) == 1 {
			idx = i
		}
	}
	if idx < 0 {
		h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "unknown_state")
		return h.loginFailure(r.Request, tSignInExpired, mLoginExpired, nil)
	}
	rec := logins[idx]
	logins = append(logins[:idx], logins[idx+1:]...)
	if err := h.save(w, r.Request, keyLogin, logins); err != nil { // single use, before anything else
		return err
	}
	if errCode := q.Get("error"); errCode != "" {
		h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "authorize_"+sanitizeCode(errCode))
		if f := h.audienceRefused(r.Request, errCode, q.Get("error_description")); f != nil {
			return f
		}
		return h.loginFailure(r.Request, tSignInIncomplete, mLoginNotCompleted,
			errors.New("mfahandler: /authorize returned error="+sanitizeCode(errCode)))
	}
	now := h.opts.now()
	if now.Sub(rec.Created) > loginTTL {
		return h.loginFailure(r.Request, tSignInExpired, mLoginTooLong, nil)
	}
	if rec.Sub != r.sub {
		h.emit(r.Context(), r.Request, r.sub, EventSubjectMismatch, "", "login_started_by_other_user")
		return h.loginFailure(r.Request, tSignInExpired, mLoginOtherAccount, nil)
	}
	code := q.Get("code")
	if code == "" || len(code) > 2048 {
		return h.loginFailure(r.Request, tSignInFailed, mLoginIncomplete, nil)
	}
	ctx := oidc.ClientContext(r.Context(), h.opts.httpClient) // also the client oauth2 uses
	tok, err := h.oauth.Exchange(ctx, code, oauth2.VerifierOption(rec.Verifier))
	if err != nil {
		h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "code_exchange")
		f := h.exchangeFailure(r.Request, err)
		if f.Status == http.StatusTooManyRequests {
			h.emit(r.Context(), r.Request, r.sub, EventLimitHit, "", "auth0_rate_limit")
		}
		return f
	}
	if err := h.acceptToken(w, r, tok, &rec.Nonce); err != nil {
		return err
	}
	if err := h.renewID(w, r); err != nil {
		return err
	}
	h.emit(r.Context(), r.Request, r.sub, EventStepUp, "", "")
	return seeOther(w, h.safeResume(rec.Resume))
}

// sanitizeCode keeps an OAuth error code printable and short for logs and events.
func sanitizeCode(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, s)
}

// exchangeError keeps the OAuth error code of a failed code exchange but drops the body.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return errors.New("mfahandler: code exchange failed: " + strconv.Itoa(status) + " " + sanitizeCode(re.ErrorCode))
	}
	return err
}

// exchangeFailure maps a failed authorization-code exchange to what the user sees: a code that
// is used, foreign or expired is the request's fault (400), Auth0's rate limit is passed on
// (429 with Retry-After), a timeout is 504, anything else 502.
func (h *Handler) exchangeFailure(r *http.Request, err error) *Failure {
	f := h.failure(r, http.StatusBadGateway, tSignInFailed, mLoginFailed, exchangeError(err)).
		withNext(h.t(r, lTryAgain), h.path("/login?fresh=1"))
	var re *oauth2.RetrieveError
	isRE := errors.As(err, &re) && re.Response != nil
	switch {
	case isRE && re.Response.StatusCode == http.StatusTooManyRequests:
		retry := parseRetryAfter(re.Response.Header.Get("Retry-After"), h.opts.now())
		f = h.tooMany(r, retry, f.Err).withNext(f.NextLabel, f.NextURL)
	case isRE && re.ErrorCode == "invalid_grant":
		f.Status = http.StatusBadRequest
		f.Message = h.t(r, mLoginCodeUsed)
	case isTimeout(err):
		f.Status, f.Title = http.StatusGatewayTimeout, h.t(r, tServiceSlow)
		f.Message = h.t(r, mUpstream)
	}
	return f
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// requireToken returns the session's MFA API token when it belongs to the signed-in user, is
// recent enough (auth_time within max_age) and has at least need of life left; otherwise it
// asks for a step-up that resumes at resume.
func (h *Handler) requireToken(r *request, need time.Duration, resume string) (*tokenRecord, error) {
	var t tokenRecord
	if err := h.load(r.Request, keyToken, &t); err != nil {
		if errors.Is(err, errNoRecord) {
			return nil, &stepUpNeeded{resume: resume, reason: "no token"}
		}
		return nil, err
	}
	now := h.opts.now()
	switch {
	case t.Sub != r.sub:
		return nil, &stepUpNeeded{resume: resume, reason: "token of another user"}
	case t.Expiry.Sub(now) < need:
		return nil, &stepUpNeeded{resume: resume, reason: "token expires soon"}
	case now.Sub(t.AuthTime) > h.opts.maxAge+authTimeSkew:
		return nil, &stepUpNeeded{resume: resume, reason: "sign-in not recent"}
	}
	if revoked, err := h.revoked(r.Request, t); err != nil {
		return nil, h.unavailable(r.Request, mCheckUnavailable, err)
	} else if revoked {
		return nil, &stepUpNeeded{resume: resume, reason: "the session was renewed away"}
	}
	return &t, nil
}

// isTimeout reports a deadline or a client timeout on the way to Auth0.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// revoked reports whether t belongs to a copy of the session that was renewed away.
func (h *Handler) revoked(r *http.Request, t tokenRecord) (bool, error) {
	if t.Gen == "" {
		return false, nil // a record from before generations; it expires within 10 minutes
	}
	return h.svc.Ledger.IsRevoked(r.Context(), t.Gen)
}

// crossSite reports a request that another site started (a link or redirect from elsewhere).
// A typed address or a bookmark (Sec-Fetch-Site: none), our own pages and old browsers
// (no header) are not.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return false
	}
	return true
}

// keepLogins is the session's step-up transactions with rec added: expired ones dropped, at
// most maxLogins kept. A transaction another site started never pushes out one of the user's
// own (so a hostile page cannot make the user's sign-in in flight fail with "expired"): it
// replaces only another cross-site one, and is the first to go.
func keepLogins(logins []loginRecord, rec loginRecord, now time.Time) []loginRecord {
	kept := make([]loginRecord, 0, maxLogins)
	for _, l := range logins {
		if now.Sub(l.Created) < loginTTL && !(rec.CrossSite && l.CrossSite) {
			kept = append(kept, l)
		}
	}
	for len(kept) >= maxLogins {
		drop := 0 // the oldest …
		for i, l := range kept {
			if l.CrossSite {
				drop = i // … or a cross-site one
				break
			}
		}
		if rec.CrossSite && !kept[drop].CrossSite {
			return kept // full of the user's own: a cross-site start is not kept at all
		}
		kept = append(kept[:drop], kept[drop+1:]...)
	}
	return append(kept, rec)
}

// audienceRefused recognises Auth0 refusing selfmfa's audience itself, a setting of the tenant
// that no retry changes: the operator's log names the fix, the user sees a configuration
// problem. nil for any other refusal.
func (h *Handler) audienceRefused(r *http.Request, code, desc string) *Failure {
	if code != "access_denied" || !strings.Contains(desc, h.audience) {
		return nil
	}
	fix := "check the API named by the audience"
	switch {
	case strings.Contains(desc, "Service not found") && h.opts.myAccount:
		fix = "activate the My Account API (Applications > APIs > the MyAccount API banner > Activate)"
	case strings.Contains(desc, "not authorized") && h.opts.myAccount:
		fix = "give the application a client grant for the My Account API (the application's API Access tab > " +
			"Auth0 My Account API > User-delegated Access) with the scopes " + strings.Join(h.oauth.Scopes[2:], " ")
	}
	return h.configProblem(r, fmt.Errorf("mfahandler: Auth0 refused the audience %s (%s); %s", h.audience, limitLen(desc, 200), fix))
}
