package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// emu is a running auth0emu and its startup line.
type emu struct {
	t *testing.T
	startup
}

func startEmu(t *testing.T, args ...string) *emu {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("startup line: %v", err)
	}
	e := &emu{t: t}
	if err := json.Unmarshal([]byte(line), &e.startup); err != nil {
		t.Fatal(err)
	}
	return e
}

// call sends a control request (with the token unless auth is set) and decodes the answer.
func (e *emu) call(method, path, body string, out any, auth ...string) int {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ControlURL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.ControlToken)
	if len(auth) > 0 {
		req.Header.Set("Authorization", auth[0])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, b, err)
		}
	}
	return res.StatusCode
}

// mfa calls the tenant's MFA API with an access token.
func (e *emu) mfa(method, path, token, body string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.Issuer+strings.TrimPrefix(path, "/"), bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestControlInterface drives the tenant as a test in another language would: a user, a seeded
// authenticator app and its codes, the clock, an SMS code in the inbox, a push approved, a fault.
func TestControlInterface(t *testing.T) {
	t.Parallel()
	e := startEmu(t)
	if e.ControlURL == "" || e.ControlToken == "" {
		t.Fatal("the startup line has no control_url or control_token")
	}
	var u userJSON
	if st := e.call("POST", "/users", `{"email":"carol@example.com","password":"carol-pw-1","email_verified":true}`, &u); st != http.StatusCreated || u.Sub == "" {
		t.Fatalf("add user: %d %+v", st, u)
	}
	var users []userJSON
	if e.call("GET", "/users", "", &users); len(users) != 3 || users[2].Email != "carol@example.com" || users[2].Password != "" {
		t.Errorf("users = %+v (want the two demo users and carol, no passwords)", users)
	}

	// A seeded authenticator app: its secret computes the code the tenant also reports.
	var app authenticatorJSON
	if st := e.call("POST", "/users/"+u.Sub+"/authenticators", `{"kind":"otp"}`, &app); st != http.StatusCreated || app.Secret == "" || !app.Active {
		t.Fatalf("seed otp: %d %+v", st, app)
	}
	var clock map[string]time.Time
	e.call("GET", "/clock", "", &clock)
	var code map[string]string
	e.call("GET", "/authenticators/"+app.ID+"/totp-code", "", &code)
	if want, _ := totp.GenerateCode(app.Secret, clock["now"]); code["code"] != want {
		t.Errorf("totp-code = %q, the secret gives %q", code["code"], want)
	}
	var moved map[string]time.Time
	if st := e.call("POST", "/clock", `{"advance":"10m"}`, &moved); st != http.StatusOK || moved["now"].Sub(clock["now"]) < 10*time.Minute {
		t.Errorf("advance: %d, now %v → %v", st, clock["now"], moved["now"])
	}

	// An MFA API token from the control interface; an SMS enrollment's code in the inbox.
	var tok map[string]string
	e.call("POST", "/users/"+u.Sub+"/access-token", "", &tok)
	st, assoc := e.mfa("POST", "/mfa/associate", tok["access_token"], `{"authenticator_types":["oob"],"oob_channels":["sms"],"phone_number":"+14155550188"}`)
	if st != http.StatusOK || assoc["oob_code"] == nil {
		t.Fatalf("associate sms: %d %v", st, assoc)
	}
	var inbox []struct {
		To, Code, Channel, Sub string
	}
	if e.call("GET", "/inbox?to=%2B14155550188", "", &inbox); len(inbox) != 1 || len(inbox[0].Code) != 6 || inbox[0].Sub != u.Sub || inbox[0].Channel != "sms" {
		t.Errorf("inbox = %+v", inbox)
	}

	// A push enrollment waits for the Guardian app; approving it over the control interface
	// activates it.
	st, push := e.mfa("POST", "/mfa/associate", tok["access_token"], `{"authenticator_types":["oob"],"oob_channels":["auth0"]}`)
	if st != http.StatusOK {
		t.Fatalf("associate push: %d %v", st, push)
	}
	var pushes []pushJSON
	if e.call("GET", "/users/"+u.Sub+"/pushes", "", &pushes); len(pushes) != 1 || !pushes[0].Enrollment {
		t.Fatalf("pushes = %+v", pushes)
	}
	if st := e.call("POST", "/pushes/"+pushes[0].ID+"/approve", "", nil); st != http.StatusNoContent {
		t.Fatalf("approve: %d", st)
	}
	if st := e.call("POST", "/pushes/"+pushes[0].ID+"/approve", "", nil); st != http.StatusNotFound {
		t.Errorf("approving a decided push again: %d, want 404", st)
	}

	// A fault: the next list answers 503, the one after is served.
	if st := e.call("POST", "/faults", `{"path":"/mfa/authenticators","status":503,"times":1}`, nil); st != http.StatusNoContent {
		t.Fatalf("fault: %d", st)
	}
	if st, _ := e.mfa("GET", "/mfa/authenticators", tok["access_token"], ""); st != http.StatusServiceUnavailable {
		t.Errorf("with the fault: %d, want 503", st)
	}
	if st, _ := e.mfa("GET", "/mfa/authenticators", tok["access_token"], ""); st != http.StatusOK {
		t.Errorf("after the fault: %d, want 200", st)
	}
	e.call("POST", "/faults", `{"path":"/mfa/authenticators","status":500}`, nil)
	e.call("DELETE", "/faults", "", nil)
	if st, _ := e.mfa("GET", "/mfa/authenticators", tok["access_token"], ""); st != http.StatusOK {
		t.Errorf("after DELETE /faults: %d, want 200", st)
	}
}

// TestControlRefuses: without the token nothing is answered; bad input is a clear 4xx that
// changes nothing.
func TestControlRefuses(t *testing.T) {
	t.Parallel()
	e := startEmu(t)
	var errBody map[string]string
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + e.ControlToken + "x", e.ControlToken} {
		if st := e.call("GET", "/users", "", &errBody, auth); st != http.StatusUnauthorized || errBody["error"] == "" {
			t.Errorf("Authorization %q: %d %v, want 401", auth, st, errBody)
		}
	}
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/users", `{"email":"x@example.com","pasword":"typo"}`, http.StatusBadRequest},
		{"POST", "/users", `{"email":`, http.StatusBadRequest},
		{"POST", "/users/auth0|nobody/authenticators", `{"kind":"otp"}`, http.StatusNotFound},
		{"POST", "/users/auth0|demo-alice/authenticators", `{"kind":"fax"}`, http.StatusBadRequest},
		{"POST", "/clock", `{"advance":"-5m"}`, http.StatusBadRequest},
		{"POST", "/clock", `{}`, http.StatusBadRequest},
		{"POST", "/faults", `{"path":"mfa"}`, http.StatusBadRequest},
		{"POST", "/faults", `{"path":"/mfa/","status":42}`, http.StatusBadRequest},
		{"GET", "/authenticators/totp|dev_nope/totp-code", "", http.StatusNotFound},
	} {
		if st := e.call(tc.method, tc.path, tc.body, nil); st != tc.want {
			t.Errorf("%s %s %s: %d, want %d", tc.method, tc.path, tc.body, st, tc.want)
		}
	}
	var users []userJSON
	if e.call("GET", "/users", "", &users); len(users) != 2 {
		t.Errorf("refused requests changed the users: %+v", users)
	}
	var a []authenticatorJSON
	if e.call("GET", "/users/auth0|demo-alice/authenticators", "", &a); len(a) != 1 {
		t.Errorf("alice has %+v (want only her verified email)", a)
	}
	// A form body is refused, as a cross-site form post would be.
	req, _ := http.NewRequest("POST", e.ControlURL+"/users", strings.NewReader("email=x"))
	req.Header.Set("Authorization", "Bearer "+e.ControlToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d, want 415", res.StatusCode)
	}
}

// TestControlOffAndHelp: -control-addr off serves no control interface; -help explains every
// flag and the control endpoints, on stdout, and is not an error.
func TestControlOffAndHelp(t *testing.T) {
	t.Parallel()
	if e := startEmu(t, "-control-addr", "off"); e.ControlURL != "" || e.ControlToken != "" {
		t.Errorf("-control-addr off: control_url %q", e.ControlURL)
	}
	var out strings.Builder
	if err := run(t.Context(), []string{"-help"}, &out, io.Discard); err != errHelp {
		t.Fatalf("-help: %v", err)
	}
	for _, want := range []string{"-addr", "-callback", "-control-addr", "-rate-limit", "-log-requests", "POST   /faults", "control_token"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-help does not mention %q", want)
		}
	}
}

// TestRateLimitFlag: -rate-limit 0 lifts the tenant-wide limit (no X-RateLimit headers);
// the default keeps Auth0's.
func TestRateLimitFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args  []string
		limit string
	}{{nil, "300"}, {[]string{"-rate-limit", "0"}, ""}, {[]string{"-rate-limit", "5000"}, "5000"}} {
		e := startEmu(t, tc.args...)
		res, err := http.Get(e.Issuer + ".well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("X-RateLimit-Limit"); got != tc.limit {
			t.Errorf("%v: X-RateLimit-Limit %q, want %q", tc.args, got, tc.limit)
		}
	}
}

// TestTLSFlag: -tls serves https, and the startup line's CA is what a client needs to trust.
func TestTLSFlag(t *testing.T) {
	t.Parallel()
	e := startEmu(t, "-tls")
	if !strings.HasPrefix(e.Issuer, "https://") || e.CACertPEM == "" {
		t.Fatalf("issuer %q, ca_cert_pem %d bytes", e.Issuer, len(e.CACertPEM))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(e.CACertPEM)) {
		t.Fatal("ca_cert_pem holds no certificate")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := c.Get(e.Issuer + ".well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc map[string]any
	err = json.NewDecoder(res.Body).Decode(&disc)
	res.Body.Close()
	if err != nil || disc["issuer"] != e.Issuer {
		t.Fatalf("discovery over https: %v %v", disc["issuer"], err)
	}
}

// TestMyAccountThroughTheEmulator: the demo client has the My Account grant, and a token from
// the control interface lists methods at /me/v1.
func TestMyAccountThroughTheEmulator(t *testing.T) {
	t.Parallel()
	e := startEmu(t, "-my-account-plan", "unlimited")
	if e.MeAudience != "https://"+e.Domain+"/me/" {
		t.Fatalf("me_audience %q", e.MeAudience)
	}
	var tok map[string]string
	e.call("POST", "/users/auth0|demo-alice/access-token", `{"audience":"`+e.MeAudience+`"}`, &tok)
	req, _ := http.NewRequest("GET", e.Issuer+"me/v1/authentication-methods", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string][]any
	err = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || body["authentication_methods"] == nil {
		t.Fatalf("GET /me/v1/authentication-methods: %d %v %v", res.StatusCode, body, err)
	}
}
