package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestRunPasskeyFlags: -passkey-rp-id reaches the login page's passkey options, -passkeys=false
// takes them away (and -web-origin is accepted).
func TestRunPasskeyFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // in the login page; "" none
	}{
		{[]string{"-passkey-rp-id", "example.localhost", "-web-origin", "http://example.localhost:3000"}, "&#34;rpId&#34;:&#34;example.localhost&#34;"},
		{nil, "&#34;rpId&#34;:&#34;localhost&#34;"},
		{[]string{"-passkeys=false"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-control-addr", "off", "-callback", "http://localhost:8080/cb"}, tc.args...), pw, io.Discard)
				pw.Close()
				done <- err
			}()
			defer func() {
				cancel()
				_, _ = io.Copy(io.Discard, pr)
				if err := <-done; err != nil {
					t.Errorf("run: %v", err)
				}
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				CustomIssuer string `json:"custom_issuer"`
				ClientID     string `json:"client_id"`
			}
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatal(err)
			}
			q := url.Values{"response_type": {"code"}, "client_id": {got.ClientID}, "redirect_uri": {"http://localhost:8080/cb"},
				"scope": {"openid"}, "state": {"s"}, "nonce": {"n"}}
			jar, _ := cookiejar.New(nil)
			res, err := (&http.Client{Jar: jar}).Get(got.CustomIssuer + "authorize?" + q.Encode()) // follows to /u/login
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !strings.Contains(string(body), `name="password"`) {
				t.Fatalf("no login page: %s", body)
			}
			if has := strings.Contains(string(body), `id="passkey-login"`); has != (tc.want != "") || !strings.Contains(string(body), tc.want) {
				t.Errorf("login page passkeys %v, want %q:\n%s", has, tc.want, body)
			}
		})
	}
}
