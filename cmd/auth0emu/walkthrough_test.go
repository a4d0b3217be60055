package main

// This test replays docs/emulator-walkthrough.md against the command's run(), with raw net/http
// (no mfaapi), so the document cannot drift from the emulator: every response body the document
// shows is asserted here, after the same normalisation the document applies (random values
// shown as "…"), and must also appear verbatim in the document.

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// walkthroughDoc is the document this test keeps honest (relative to this package).
const walkthroughDoc = "../../docs/emulator-walkthrough.md"

// The document's fixed values: the default address and the flags it starts the command with.
const (
	docCanonical     = "127.0.0.1:8081"
	docCustom        = "localhost:8081"
	docClientID      = "auth0emu-demo"
	docClientSecret  = "walkthrough-secret"
	docPhone         = "+15555550123"
	mfaGrantOTP      = "http://auth0.com/oauth/grant-type/mfa-otp"
	mfaGrantOOB      = "http://auth0.com/oauth/grant-type/mfa-oob"
	passwordRealm    = "http://auth0.com/oauth/grant-type/password-realm"
	docScope         = "enroll read:authenticators remove:authenticators"
	docConnection    = "Username-Password-Authentication"
	tokenBodyShape   = `{"access_token":"eyJ…","scope":"enroll read:authenticators remove:authenticators","expires_in":600,"token_type":"Bearer"}`
	expiredTokenWait = 10*time.Minute + time.Second
)

// normalizers turn random values into the "…" the document shows.
var normalizers = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`), "eyJ…"},
	{regexp.MustCompile(`dev_[A-Za-z0-9]{16}`), "dev_…"},
	{regexp.MustCompile(`"secret":"[A-Z2-7]{32}"`), `"secret":"…"`},
	{regexp.MustCompile(`secret=[A-Z2-7]{32}`), "secret=…"},
	{regexp.MustCompile(`"recovery_codes":\["[A-Z0-9]{24}"\]`), `"recovery_codes":["…"]`},
	{regexp.MustCompile(`"oob_code":"Fe26\.2\*[^"]+"`), `"oob_code":"Fe26.2*…"`},
	{regexp.MustCompile(`"auth_session":"Fe26\.2\*[^"]+"`), `"auth_session":"Fe26.2*…"`},
	{regexp.MustCompile(`"manual_input_code":"[A-Z2-7]{32}"`), `"manual_input_code":"…"`},
	{regexp.MustCompile(`"created_at":"[0-9T:.Z-]+"`), `"created_at":"…"`},
}

func normalize(body string) string {
	for _, n := range normalizers {
		body = n.re.ReplaceAllString(body, n.repl)
	}
	return strings.TrimSpace(body)
}

// walkStep is one request of the document. Strings may hold {name} placeholders filled from the
// walk's state (tokens, ids, secrets and codes captured by earlier steps).
type walkStep struct {
	name   string
	method string
	custom bool   // through the custom domain (localhost) rather than the canonical host
	path   string // escaped path
	bearer string // state key of the bearer token
	form   []string
	json   string
	status int
	body   string            // the normalised body exactly as the document shows it; "" for none
	save   map[string]string // state key -> JSON path ("access_token", "secret", "oob_code", "0.id" …)
}

// login is the document's password-realm request for an MFA API token.
func login(name, user, password, audience string, custom bool, saveAs string) walkStep {
	return walkStep{
		name: name, method: http.MethodPost, custom: custom, path: "/oauth/token",
		form: []string{"grant_type", passwordRealm, "realm", docConnection, "username", user, "password", password,
			"audience", audience, "scope", docScope, "client_id", docClientID, "client_secret", docClientSecret},
		status: 200, body: tokenBodyShape, save: map[string]string{saveAs: "access_token"},
	}
}

func confirmOTP(name, token, otp string, custom bool, status int, body string) walkStep {
	return walkStep{
		name: name, method: http.MethodPost, custom: custom, path: "/oauth/token",
		form: []string{"grant_type", mfaGrantOTP, "client_id", docClientID, "client_secret", docClientSecret,
			"mfa_token", "{" + token + "}", "otp", otp},
		status: status, body: body,
	}
}

func list(name, token string, custom bool, status int, body string) walkStep {
	return walkStep{name: name, method: http.MethodGet, custom: custom, path: "/mfa/authenticators", bearer: token, status: status, body: body}
}

// walkthroughSteps is the document, in order, against one freshly started emulator.
func walkthroughSteps() []walkStep {
	const canonicalAud, customAud = "https://{canonical}/mfa/", "https://{custom}/mfa/"
	const tokenConfirm = tokenBodyShape
	return []walkStep{
		// 1. An authenticator app (TOTP), as Bob.
		login("1.1 log in (password-realm, MFA audience)", "bob@example.com", "bob-demo-password", canonicalAud, false, "bob"),
		list("1.2 list", "bob", false, 200, `[]`),
		{name: "1.3 associate otp", method: http.MethodPost, path: "/mfa/associate", bearer: "bob",
			json: `{"authenticator_types":["otp"]}`, status: 200,
			body: `{"authenticator_type":"otp","secret":"…","barcode_uri":"otpauth://totp/auth0emu:bob%40example.com?secret=…&issuer=auth0emu&algorithm=SHA1&digits=6&period=30","recovery_codes":["…"]}`,
			save: map[string]string{"secret": "secret"}},
		confirmOTP("1.4 a wrong code", "bob", "{wrong_otp}", false, 403, `{"error":"invalid_grant","error_description":"Invalid otp_code."}`),
		confirmOTP("1.5 confirm with the app's code", "bob", "{otp}", false, 200, tokenConfirm),
		{name: "1.6 list", method: http.MethodGet, path: "/mfa/authenticators", bearer: "bob", status: 200,
			body: `[{"id":"totp|dev_…","authenticator_type":"otp","active":true},{"id":"recovery-code|dev_…","authenticator_type":"recovery-code","active":true}]`,
			save: map[string]string{"totp_id": "0.id"}},
		{name: "1.7 delete", method: http.MethodDelete, path: "/mfa/authenticators/{totp_id}", bearer: "bob", status: 204},
		{name: "1.8 delete again", method: http.MethodDelete, path: "/mfa/authenticators/{totp_id}", bearer: "bob", status: 404,
			body: `{"error":"not_found","error_description":"Authenticator not found."}`},
		list("1.9 list", "bob", false, 200, `[{"id":"recovery-code|dev_…","authenticator_type":"recovery-code","active":true}]`),

		// 2. SMS through the dev inbox, as Alice (a verified email: listed as an authenticator).
		login("2.1 log in", "alice@example.com", "alice-demo-password", canonicalAud, false, "alice"),
		list("2.2 list", "alice", false, 200, `[{"id":"email|dev_…","authenticator_type":"oob","active":true,"oob_channel":"email","name":"alic*@exam*******"}]`),
		{name: "2.3 associate sms", method: http.MethodPost, path: "/mfa/associate", bearer: "alice",
			json: `{"authenticator_types":["oob"],"oob_channels":["sms"],"phone_number":"` + docPhone + `"}`, status: 200,
			body: `{"authenticator_type":"oob","oob_channel":"sms","oob_code":"Fe26.2*…","binding_method":"prompt","recovery_codes":["…"]}`,
			save: map[string]string{"oob_code": "oob_code"}},
		{name: "2.4 read the code in the dev inbox", method: http.MethodGet, path: "/_dev/inbox", status: 200},
		{name: "2.5 a wrong code", method: http.MethodPost, path: "/oauth/token",
			form: []string{"grant_type", mfaGrantOOB, "client_id", docClientID, "client_secret", docClientSecret,
				"mfa_token", "{alice}", "oob_code", "{oob_code}", "binding_code", "{wrong_sms}"},
			status: 403, body: `{"error":"invalid_grant","error_description":"Invalid binding_code."}`},
		{name: "2.6 confirm with the inbox code", method: http.MethodPost, path: "/oauth/token",
			form: []string{"grant_type", mfaGrantOOB, "client_id", docClientID, "client_secret", docClientSecret,
				"mfa_token", "{alice}", "oob_code", "{oob_code}", "binding_code", "{sms_code}"},
			status: 200, body: tokenConfirm},
		{name: "2.7 list", method: http.MethodGet, path: "/mfa/authenticators", bearer: "alice", status: 200,
			body: `[{"id":"sms|dev_…","authenticator_type":"oob","active":true,"oob_channel":"sms","name":"XXXXXXXX0123"},` +
				`{"id":"voice|dev_…","authenticator_type":"oob","active":true,"oob_channel":"voice","name":"XXXXXXXX0123"},` +
				`{"id":"recovery-code|dev_…","authenticator_type":"recovery-code","active":true},` +
				`{"id":"email|dev_…","authenticator_type":"oob","active":true,"oob_channel":"email","name":"alic*@exam*******"}]`,
			save: map[string]string{"voice_id": "1.id"}},
		{name: "2.8 delete the voice half", method: http.MethodDelete, path: "/mfa/authenticators/{voice_id}", bearer: "alice", status: 204},
		list("2.9 list", "alice", false, 200,
			`[{"id":"recovery-code|dev_…","authenticator_type":"recovery-code","active":true},{"id":"email|dev_…","authenticator_type":"oob","active":true,"oob_channel":"email","name":"alic*@exam*******"}]`),

		// 4. The custom-domain trap, as Bob, through localhost.
		login("4.1 log in through the custom domain with the custom-domain audience", "bob@example.com", "bob-demo-password", customAud, true, "bob_custom"),
		{name: "4.2 associate otp through the custom domain", method: http.MethodPost, custom: true, path: "/mfa/associate", bearer: "bob_custom",
			json: `{"authenticator_types":["otp"]}`, status: 200,
			body: `{"authenticator_type":"otp","secret":"…","barcode_uri":"otpauth://totp/auth0emu:bob%40example.com?secret=…&issuer=auth0emu&algorithm=SHA1&digits=6&period=30"}`,
			save: map[string]string{"secret": "secret"}},
		confirmOTP("4.3 confirm: the trap", "bob_custom", "{otp}", true, 403, `{"error":"invalid_grant","error_description":"invalid audience"}`),
		list("4.4 the custom-domain token on the canonical host", "bob_custom", false, 401, `{"error":"invalid_token","error_description":"Invalid token."}`),
		login("4.5 the fix: the canonical audience, still through the custom domain", "bob@example.com", "bob-demo-password", canonicalAud, true, "bob_fixed"),
		confirmOTP("4.6 confirm the same enrollment", "bob_fixed", "{otp}", true, 200, tokenConfirm),
		list("4.7 list", "bob_fixed", true, 200,
			`[{"id":"recovery-code|dev_…","authenticator_type":"recovery-code","active":true},{"id":"totp|dev_…","authenticator_type":"otp","active":true}]`),
	}
}

// expiredSteps is section 3 of the document: the standalone emulator runs on the wall clock, so
// this test replays it on the library (auth0test) with Advance, with the same raw requests.
func expiredSteps() []walkStep {
	return []walkStep{
		login("3.1 log in", "bob@example.com", "bob-demo-password", "https://{canonical}/mfa/", false, "bob"),
		{name: "3.2 ten minutes later", method: "ADVANCE"},
		list("3.3 list with the expired token", "bob", false, 401, `{"error":"invalid_token","error_description":"Expired token."}`),
		confirmOTP("3.4 the expired token as mfa_token", "bob", "123456", false, 401, `{"error":"expired_token","error_description":"mfa_token is expired"}`),
	}
}

// walk runs steps against one emulator and checks each answer and the document.
type walk struct {
	t                 *testing.T
	hc                *http.Client
	canonical, custom string
	state             map[string]string
	doc               string
	now               func() time.Time
	advance           func(time.Duration)
	addUser           func(email, password string) // through the control interface
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func same(s string) string { return s }

// fill replaces the placeholders of s; escape is applied to captured values (url.PathEscape in
// paths: an id's "|" goes on the wire as %7C, as the document says).
func (w *walk) fill(s string, escape func(string) string) string {
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		key := strings.Trim(p, "{}")
		switch key {
		case "canonical":
			return w.canonical
		case "custom":
			return w.custom
		case "otp":
			return totpNow(w.t, w.state["secret"], w.now())
		case "wrong_otp":
			return wrongOTP(w.t, w.state["secret"], w.now())
		case "wrong_sms":
			if w.state["sms_code"] == "000000" {
				return "111111"
			}
			return "000000"
		}
		v, ok := w.state[key]
		if !ok {
			w.t.Fatalf("placeholder %s has no value yet", p)
		}
		return escape(v)
	})
}

func (w *walk) run(steps []walkStep) {
	for _, st := range steps {
		if st.method == "ADVANCE" {
			w.advance(expiredTokenWait)
			continue
		}
		if st.method == "CONTROL_ADD_CAROL" {
			if w.addUser == nil {
				w.t.Fatalf("%s: this walk has no control interface", st.name)
			}
			w.addUser("carol@example.com", "carol-demo-password")
			continue
		}
		host := w.canonical
		if st.custom {
			host = w.custom
		}
		var body io.Reader
		var ctype string
		switch {
		case st.form != nil:
			v := url.Values{}
			for i := 0; i+1 < len(st.form); i += 2 {
				v.Set(st.form[i], w.fill(st.form[i+1], same))
			}
			body, ctype = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
		case st.json != "":
			body, ctype = strings.NewReader(w.fill(st.json, same)), "application/json"
		}
		path := w.fill(st.path, url.PathEscape)
		req, err := http.NewRequestWithContext(w.t.Context(), st.method, "http://"+host+path, body)
		if err != nil {
			w.t.Fatalf("%s: %v", st.name, err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if st.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+w.state[st.bearer])
		}
		res, err := w.hc.Do(req)
		if err != nil {
			w.t.Fatalf("%s: %v", st.name, err)
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			w.t.Fatalf("%s: reading: %v", st.name, err)
		}
		if res.StatusCode != st.status {
			w.t.Fatalf("%s: %s %s answered %d, the document says %d: %s", st.name, st.method, st.path, res.StatusCode, st.status, normalize(string(raw)))
		}
		w.checkDoc(st, fmt.Sprintf("HTTP/1.1 %d %s", st.status, http.StatusText(st.status)))
		if st.path == "/_dev/inbox" {
			w.state["sms_code"] = inboxCode(w.t, string(raw), docPhone)
			continue
		}
		if got := normalize(string(raw)); got != st.body {
			w.t.Fatalf("%s: body\n got %s\nwant %s (as the document shows it)", st.name, got, st.body)
		}
		if st.body != "" {
			w.checkDoc(st, st.body)
		}
		for key, jp := range st.save {
			w.state[key] = jsonPath(w.t, raw, jp)
		}
	}
}

// checkDoc fails when the document does not show s verbatim.
func (w *walk) checkDoc(st walkStep, s string) {
	w.t.Helper()
	if !strings.Contains(w.doc, s) {
		w.t.Errorf("%s: the document does not show %s", st.name, s)
	}
}

// jsonPath reads "key" of an object or "N.key" of an array element.
func jsonPath(t *testing.T, raw []byte, path string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscanf(p, "%d", &i); err != nil || i >= len(x) {
				t.Fatalf("no element %s", p)
			}
			v = x[i]
		}
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s is not a string", path)
	}
	return s
}

var inboxRow = regexp.MustCompile(`<td>sms</td><td>([^<]*)</td><td class="code">(\d{6})</td>`)

// inboxCode reads the newest SMS code for phone from the dev inbox page.
func inboxCode(t *testing.T, page, phone string) string {
	t.Helper()
	for _, m := range inboxRow.FindAllStringSubmatch(page, -1) {
		if strings.ReplaceAll(m[1], "&#43;", "+") == phone {
			return m[2]
		}
	}
	t.Fatalf("no SMS to %s in the dev inbox", phone)
	return ""
}

// totpNow is RFC 6238 (HMAC-SHA1, 30 s, 6 digits): what "any TOTP app" computes.
func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	return hotpCode(t, secret, uint64(at.Unix()/30))
}

func hotpCode(t *testing.T, secret string, counter uint64) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret is not base32: %v", err)
	}
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1000000)
}

// wrongOTP is "000000" unless that happens to be valid now (±3 steps), then another.
func wrongOTP(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c := uint64(at.Unix() / 30)
	near := map[string]bool{}
	for d := uint64(0); d <= 3; d++ {
		near[hotpCode(t, secret, c+d)], near[hotpCode(t, secret, c-d)] = true, true
	}
	for _, code := range []string{"000000", "111111", "222222"} {
		if !near[code] {
			return code
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// startCommand runs the command as the document starts it (on a free port) and returns the
// parsed JSON line and a function that stops it.
func startCommand(t *testing.T) (startup, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-client-secret", docClientSecret}, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading the startup line: %v (run: %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var s startup
	if err := json.Unmarshal([]byte(line), &s); err != nil {
		cancel()
		t.Fatalf("the startup line is not JSON: %v", err)
	}
	return s, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(walkthroughDoc)
	if err != nil {
		t.Fatalf("reading the walkthrough: %v", err)
	}
	return string(b)
}

// TestWalkthrough replays sections 1, 2, 4 and 5 of the document against run().
func TestWalkthrough(t *testing.T) {
	t.Parallel()
	doc := readDoc(t)
	s, stop := startCommand(t)
	defer stop()

	// The startup line the document shows, field by field.
	if s.ClientID != docClientID || s.ClientSecret != docClientSecret || s.Issuer != "http://"+s.Domain+"/" ||
		s.MFAAudience != "https://"+s.Domain+"/mfa/" || s.CustomMFAAudience != "https://"+s.CustomDomain+"/mfa/" ||
		s.DevInbox != "http://"+s.Domain+"/_dev/inbox" || !strings.HasPrefix(s.CustomDomain, "localhost:") {
		t.Fatalf("startup line differs from the document's: %+v", s)
	}
	for _, u := range s.Users {
		if !strings.Contains(doc, u.Email) || !strings.Contains(doc, u.Password) {
			t.Errorf("the document does not show the demo user %s and its password", u.Email)
		}
	}
	for _, want := range []string{
		"go run ./cmd/auth0emu -client-secret " + docClientSecret,
		`"mfa_audience":"https://` + docCanonical + `/mfa/"`,
		`"custom_mfa_audience":"https://` + docCustom + `/mfa/"`,
		`"dev_inbox":"http://` + docCanonical + `/_dev/inbox"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document does not show %s", want)
		}
	}

	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w := &walk{t: t, hc: hc, canonical: s.Domain, custom: s.CustomDomain, state: map[string]string{}, doc: doc, now: time.Now}
	w.addUser = func(email, password string) {
		req, _ := http.NewRequest(http.MethodPost, s.ControlURL+"/users", strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
		req.Header.Set("Authorization", "Bearer "+s.ControlToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("adding %s through the control interface: %v %v", email, res, err)
		}
		res.Body.Close()
	}
	w.run(append(walkthroughSteps(), meWalkthroughSteps()...))
}

// TestWalkthroughExpiredToken replays section 3 with the library's Advance (run() uses the
// wall clock: by hand, wait ten minutes).
func TestWalkthroughExpiredToken(t *testing.T) {
	t.Parallel()
	doc := readDoc(t)
	emu := auth0test.RunT(t,
		auth0test.WithClient(docClientID, docClientSecret),
		auth0test.WithUsers(demoUsers...),
	)
	w := &walk{t: t, hc: emu.Client(), canonical: emu.Domain(), custom: emu.CustomDomain(), state: map[string]string{},
		doc: doc, now: emu.Now, advance: emu.Advance}
	w.run(expiredSteps())
	for _, want := range []string{"wall clock", "Advance"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document does not explain the expiry (%q)", want)
		}
	}
}

// TestWalkthroughSteps keeps the table and the document's headings in step: every step is a
// heading or list item of the document.
func TestWalkthroughSteps(t *testing.T) {
	t.Parallel()
	doc := readDoc(t)
	for _, st := range append(walkthroughSteps(), expiredSteps()...) {
		num, _, _ := strings.Cut(st.name, " ")
		if !strings.Contains(doc, "**"+num+"**") {
			t.Errorf("the document has no step **%s** (%s)", num, st.name)
		}
	}
}
