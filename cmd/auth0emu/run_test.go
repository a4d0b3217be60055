package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRunPrintsOneLineAndServes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-callback", "http://localhost:8080/cb", "-policy", "never"}, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the startup line: %v (run: %v)", err, <-done)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("startup line is not JSON: %v: %s", err, line)
	}
	for _, k := range []string{"issuer", "domain", "custom_domain", "custom_issuer", "client_id", "client_secret",
		"redirect_uris", "mfa_audience", "dev_inbox", "dev_guardian", "users"} {
		if got[k] == nil || got[k] == "" {
			t.Errorf("startup line lacks %s: %s", k, line)
		}
	}
	domain := got["domain"].(string)
	if got["issuer"] != "http://"+domain+"/" || got["mfa_audience"] != "https://"+domain+"/mfa/" ||
		!strings.HasPrefix(got["custom_domain"].(string), "localhost:") || got["policy"] != "never" {
		t.Fatalf("startup line %s", line)
	}
	users := got["users"].([]any)
	if len(users) != 2 || users[0].(map[string]any)["password"] == "" {
		t.Fatalf("users %v", users)
	}
	res, err := http.Get(got["issuer"].(string) + ".well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc map[string]any
	err = json.NewDecoder(res.Body).Decode(&disc)
	res.Body.Close()
	if err != nil || disc["issuer"] != got["issuer"] {
		t.Fatalf("discovery %v %v", disc, err)
	}
	res, err = http.Get(got["dev_inbox"].(string))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("dev inbox: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	rest, _ := io.ReadAll(pr) // EOF once run returns
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(rest) != 0 {
		t.Fatalf("more than one line on stdout: %s", rest)
	}
}

func TestRunRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"-addr", "0.0.0.0:0"}, "-allow-non-loopback"},
		{"empty host", []string{"-addr", ":0"}, "-allow-non-loopback"},
		{"public IP", []string{"-addr", "192.0.2.1:8081"}, "-allow-non-loopback"},
		{"bad policy", []string{"-addr", "127.0.0.1:0", "-policy", "sometimes"}, "unknown policy"},
		{"bad factor", []string{"-addr", "127.0.0.1:0", "-factors", "otp,fax"}, "unknown factor"},
		{"bad flag", []string{"-nope"}, "flag provided but not defined"},
		{"stray argument", []string{"extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := run(t.Context(), tc.args, &out, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "auth0emu: ") {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if out.Len() != 0 {
				t.Fatalf("printed %q", out.String())
			}
		})
	}
}

// lockedBuffer is a stderr that run writes from server goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunRequestLogFlag: stderr is quiet about requests unless -log-requests.
func TestRunRequestLogFlag(t *testing.T) {
	t.Parallel()
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprintf("log-requests=%v", verbose), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			pr, pw := io.Pipe()
			stderr := &lockedBuffer{}
			done := make(chan error, 1)
			args := []string{"-addr", "127.0.0.1:0"}
			if verbose {
				args = append(args, "-log-requests")
			}
			go func() {
				err := run(ctx, args, pw, stderr)
				pw.Close()
				done <- err
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				cancel()
				t.Fatalf("startup line: %v (run: %v)", err, <-done)
			}
			var s startup
			if err := json.Unmarshal([]byte(line), &s); err != nil {
				t.Fatal(err)
			}
			res, err := http.Get(s.Issuer + ".well-known/jwks.json")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			logged := strings.Contains(stderr.String(), "path=/.well-known/jwks.json")
			if logged != verbose {
				t.Fatalf("-log-requests %v, stderr: %q", verbose, stderr.String())
			}
		})
	}
}
