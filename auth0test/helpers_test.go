package auth0test

// Raw-HTTP test helpers: net/http and encoding/json only, no client
// package, so the tests pin the wire format.

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is generated once: RSA key generation dominates server start.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const (
	testClientID = "app-client"
	testSecret   = "app-secret-0123456789"
	testCallback = "http://app.test/callback"
	aliceID      = "auth0|alice"
	bobID        = "auth0|bob"
	alicePass    = "alice-pw-1"
	bobPass      = "bob-pw-1"
)

type harness struct {
	t *testing.T
	s *Server
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	base := []Option{
		WithSigningKey(testKey()),
		WithClient(testClientID, testSecret, testCallback),
		WithUsers(
			User{ID: aliceID, Email: "alice@example.com", Password: alicePass, Name: "Alice", EmailVerified: true},
			User{ID: bobID, Email: "bob@example.com", Password: bobPass, Name: "Bob"},
		),
	}
	s := RunT(t, append(base, opts...)...)
	s.SetNow(t0)
	return &harness{t: t, s: s}
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r resp) jsonArray(t *testing.T) []map[string]any {
	t.Helper()
	var a []map[string]any
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("body is not a JSON array: %v: %s", err, r.body)
	}
	return a
}

// noRedirect is a client that never follows redirects and has no jar.
func (h *harness) noRedirect() *http.Client {
	return &http.Client{
		Transport:     h.s.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

// browser is a client with a cookie jar that never follows redirects.
func (h *harness) browser() *http.Client {
	c := h.noRedirect()
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	c.Jar = jar
	return c
}

func (h *harness) do(c *http.Client, req *http.Request) resp {
	h.t.Helper()
	if c == nil {
		c = h.noRedirect()
	}
	res, err := c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatalf("reading body: %v", err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (h *harness) newReq(method, rawURL, contentType string, body io.Reader) *http.Request {
	h.t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// postForm posts a form to base+path.
func (h *harness) postForm(base, path string, v url.Values) resp {
	h.t.Helper()
	return h.do(nil, h.newReq(http.MethodPost, base+path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode())))
}

// postJSON posts JSON to base+path with an optional bearer token.
func (h *harness) postJSON(base, path, bearer string, v any) resp {
	h.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		h.t.Fatal(err)
	}
	req := h.newReq(http.MethodPost, base+path, "application/json", strings.NewReader(string(b)))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return h.do(nil, req)
}

func (h *harness) get(base, path, bearer string) resp {
	h.t.Helper()
	req := h.newReq(http.MethodGet, base+path, "", nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return h.do(nil, req)
}

func (h *harness) del(base, path, bearer string) resp {
	h.t.Helper()
	req := h.newReq(http.MethodDelete, base+path, "", nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return h.do(nil, req)
}

// wantError checks an Auth0 error body exactly.
func wantError(t *testing.T, r resp, status int, code, desc string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	m := r.json(t)
	if m["error"] != code || m["error_description"] != desc {
		t.Fatalf("error = %q / %q, want %q / %q", m["error"], m["error_description"], code, desc)
	}
}

func keysOf(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

func wantKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := keysOf(m); !slices.Equal(got, want) {
		t.Fatalf("keys = %v, want %v", got, want)
	}
}

// mfaGrant posts an MFA grant with client_secret_post.
func (h *harness) mfaGrant(base, grant string, extra url.Values) resp {
	h.t.Helper()
	v := url.Values{"grant_type": {grant}, "client_id": {testClientID}, "client_secret": {testSecret}}
	for k, vs := range extra {
		v[k] = vs
	}
	return h.postForm(base, "/oauth/token", v)
}

// pkce returns a verifier and its S256 challenge.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 64)[:64]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL builds an /authorize URL on base.
func authorizeURL(base string, v url.Values) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {testCallback},
		"scope": {"openid profile email"}, "state": {"st-123"}, "nonce": {"n-456"},
	}
	for k, vs := range v {
		q[k] = vs
	}
	for k, vs := range v {
		if len(vs) == 1 && vs[0] == "" {
			delete(q, k)
		}
	}
	return base + "/authorize?" + q.Encode()
}

// browserGet GETs with the browser client.
func (h *harness) browserGet(c *http.Client, rawURL string) resp {
	h.t.Helper()
	return h.do(c, h.newReq(http.MethodGet, rawURL, "", nil))
}

func (h *harness) browserPost(c *http.Client, rawURL string, v url.Values) resp {
	h.t.Helper()
	return h.do(c, h.newReq(http.MethodPost, rawURL, "application/x-www-form-urlencoded", strings.NewReader(v.Encode())))
}

// location returns the absolute redirect target.
func location(t *testing.T, base string, r resp) *url.URL {
	t.Helper()
	if r.status != http.StatusFound && r.status != http.StatusSeeOther {
		t.Fatalf("status = %d, want a redirect; body %s", r.status, r.body)
	}
	b, _ := url.Parse(base + "/")
	u, err := b.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// login runs /authorize through the password form and returns the
// redirect that follows the password POST (callback or MFA page).
func (h *harness) login(c *http.Client, base string, q url.Values, email, password string) *url.URL {
	h.t.Helper()
	u := location(h.t, base, h.browserGet(c, authorizeURL(base, q)))
	if u.Path != "/u/login" {
		return u
	}
	page := h.browserGet(c, u.String())
	if page.status != http.StatusOK || !strings.Contains(string(page.body), `name="password"`) {
		h.t.Fatalf("login page: %d %s", page.status, page.body)
	}
	state := u.Query().Get("state")
	return location(h.t, base, h.browserPost(c, base+"/u/login", url.Values{"state": {state}, "email": {email}, "password": {password}}))
}

// callbackCode checks a callback redirect and returns its code.
func callbackCode(t *testing.T, u *url.URL) string {
	t.Helper()
	if got := u.Scheme + "://" + u.Host + u.Path; got != testCallback {
		t.Fatalf("redirected to %s, want the callback", u)
	}
	if e := u.Query().Get("error"); e != "" {
		t.Fatalf("callback error %s: %s", e, u.Query().Get("error_description"))
	}
	if u.Query().Get("state") != "st-123" {
		t.Fatalf("state = %q", u.Query().Get("state"))
	}
	return u.Query().Get("code")
}

// exchange swaps a code for tokens.
func (h *harness) exchange(base, code, verifier string) resp {
	h.t.Helper()
	v := url.Values{"grant_type": {"authorization_code"}, "client_id": {testClientID}, "client_secret": {testSecret},
		"code": {code}, "redirect_uri": {testCallback}}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return h.postForm(base, "/oauth/token", v)
}

// mfaToken obtains an /mfa/ access token for user through the browser
// flow on base with the given audience (the user has no factor, so no
// challenge).
func (h *harness) mfaToken(base, aud, email, password string) string {
	h.t.Helper()
	verifier, challenge := pkce("v")
	q := url.Values{"audience": {aud}, "scope": {"openid enroll read:authenticators remove:authenticators"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	code := callbackCode(h.t, h.login(h.browser(), base, q, email, password))
	r := h.exchange(base, code, verifier)
	if r.status != http.StatusOK {
		h.t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	return r.json(h.t)["access_token"].(string)
}

// claims decodes a JWT after checking its RS256 signature against the
// server's JWKS, fetched over HTTP.
func (h *harness) claims(base, tok string) map[string]any {
	h.t.Helper()
	jwks := h.get(base, "/.well-known/jwks.json", "").json(h.t)
	key := jwks["keys"].([]any)[0].(map[string]any)
	n, _ := base64.RawURLEncoding.DecodeString(key["n"].(string))
	e, _ := base64.RawURLEncoding.DecodeString(key["e"].(string))
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		h.t.Fatalf("not a JWT")
	}
	var hdr map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(hb, &hdr); err != nil || hdr["alg"] != "RS256" || hdr["kid"] != key["kid"] {
		h.t.Fatalf("header %s", hb)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		h.t.Fatalf("signature: %v", err)
	}
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	if err := json.Unmarshal(pb, &m); err != nil {
		h.t.Fatal(err)
	}
	return m
}

// pendingID returns the id of sub's newest inactive authenticator whose
// id starts with prefix.
func (h *harness) pendingID(sub, prefix string) string {
	h.t.Helper()
	var id string
	for _, a := range h.s.Authenticators(sub) {
		if !a.Active && strings.HasPrefix(a.ID, prefix) {
			id = a.ID
		}
	}
	if id == "" {
		h.t.Fatalf("no pending %s authenticator for %s: %+v", prefix, sub, h.s.Authenticators(sub))
	}
	return id
}

func (h *harness) totp(id string) string {
	h.t.Helper()
	c, err := h.s.TOTPCode(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}
