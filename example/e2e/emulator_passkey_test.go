package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/selfmfa/selfmfa/auth0test"
)

// addVirtualAuthenticator gives the tab a DevTools virtual authenticator: a platform passkey
// provider with resident keys and user verification, whose credentials are backed up (BE, BS).
func addVirtualAuthenticator(b *tab) {
	b.t.Helper()
	b.do("adding a virtual authenticator", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			DefaultBackupEligibility: true, DefaultBackupState: true,
		}})
		return err
	}))
}

// registerPage relays the emulator's creation options to Chromium and its answer back, as a
// proxy in front of the My Account API would (a test page, not selfmfa's).
const registerPage = `<!doctype html><html lang="en"><head><title>Register</title></head><body>
<form method="post" id="f"><input type="hidden" name="authn_response" id="r"><input type="hidden" name="error" id="e"></form>
<script>(async()=>{try{const o=PublicKeyCredential.parseCreationOptionsFromJSON(%s);
const c=await navigator.credentials.create({publicKey:o});document.getElementById("r").value=JSON.stringify(c.toJSON())}
catch(x){document.getElementById("e").value=x.name+": "+x.message}document.getElementById("f").submit()})();</script></body></html>`

// TestEmulatorPasskeyInChromium: Chromium's virtual authenticator registers a passkey with the
// emulator's relying party (a browser-made attestation, verified by go-webauthn), the passkey
// is listed with the browser's User-Agent (forwarded by the relaying page) and its flags, and
// it signs the user in on the emulator's login page through the page's script, which moves
// last_auth_at.
func TestEmulatorPasskeyInChromium(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port) // under rp.id "localhost"
	user := auth0test.User{ID: "auth0|pk", Email: "pk@example.com", Password: "pk-pw-1", Name: "Pat"}
	emu := auth0test.RunT(t, auth0test.WithClient("app", "app-secret", site+"/callback"), auth0test.WithUsers(user),
		auth0test.WithMyAccountGrant(""), auth0test.WithMyAccountPlan(auth0test.PlanUnlimited), auth0test.WithoutRateLimit())
	tok, err := emu.IssueAccessToken(user.ID, auth0test.TokenOptions{ClientID: "app", Audience: emu.MeAudience()})
	if err != nil {
		t.Fatal(err)
	}
	me := func(method, path, ua string, body any) (int, []byte) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, emu.URL()+"/me/v1"+path, rd)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		if ua != "" {
			req.Header.Set("User-Agent", ua)
		}
		res, err := emu.Client().Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, out
	}

	var mu sync.Mutex
	var session string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /register", func(w http.ResponseWriter, r *http.Request) {
		status, body := me(http.MethodPost, "/authentication-methods", "", map[string]string{"type": "passkey"})
		var start struct {
			AuthSession string          `json:"auth_session"`
			Options     json.RawMessage `json:"authn_params_public_key"`
		}
		if status != http.StatusAccepted || json.Unmarshal(body, &start) != nil {
			http.Error(w, string(body), http.StatusBadGateway)
			return
		}
		mu.Lock()
		session = start.AuthSession
		mu.Unlock()
		fmt.Fprintf(w, registerPage, start.Options)
	})
	mux.HandleFunc("POST /register", func(w http.ResponseWriter, r *http.Request) {
		if e := r.PostFormValue("error"); e != "" {
			fmt.Fprintf(w, `<!doctype html><title>failed</title><p id="failed">%s</p>`, strings.ReplaceAll(e, "<", "&lt;"))
			return
		}
		mu.Lock()
		s := session
		mu.Unlock()
		status, body := me(http.MethodPost, "/authentication-methods/passkey%7Cnew/verify", r.UserAgent(),
			map[string]any{"auth_session": s, "authn_response": json.RawMessage(r.PostFormValue("authn_response"))})
		fmt.Fprintf(w, `<!doctype html><title>registered</title><p id="%s">%d</p>`, map[bool]string{true: "added", false: "failed"}[status == 201], status)
		if status != http.StatusCreated {
			t.Errorf("verify %d %s", status, body)
		}
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>signed in</title><p id="in">signed in</p>`)
	})
	srv := &http.Server{Handler: mux}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { _ = srv.Close() })

	b := newTab(t)
	addVirtualAuthenticator(b)
	b.do("open the registration page", chromedp.Navigate(site+"/register")) // its script submits at once
	b.waitVisible(`#added, #failed`)
	if b.count(`#added`) != 1 {
		t.Fatalf("registration: %s", b.bodyText())
	}
	_, body := me(http.MethodGet, "/authentication-methods?type=passkey", "", nil)
	var list struct {
		Methods []map[string]any `json:"authentication_methods"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Methods) != 1 {
		t.Fatalf("list %s", body)
	}
	pk := list.Methods[0]
	if pk["credential_device_type"] != "multi_device" || pk["credential_backed_up"] != true || pk["relying_party_id"] != "localhost" ||
		!strings.Contains(pk["user_agent"].(string), "Chrome") || pk["last_auth_at"] != nil {
		t.Errorf("passkey %v", pk)
	}

	q := url.Values{"response_type": {"code"}, "client_id": {"app"}, "redirect_uri": {site + "/callback"}, "scope": {"openid"},
		"state": {"st"}, "nonce": {"n"}}
	b.navigate(emu.CustomURL() + "/authorize?" + q.Encode())
	b.mustBeAt(`^/u/login`)
	b.click(`#passkey-login button`)
	b.waitVisible(`#in`)
	if loc := b.location(); !strings.HasPrefix(loc, site+"/callback?code=") {
		t.Fatalf("after the passkey login: %s", loc)
	}
	_, body = me(http.MethodGet, "/authentication-methods?type=passkey", "", nil)
	if err := json.Unmarshal(body, &list); err != nil || len(list.Methods) != 1 || list.Methods[0]["last_auth_at"] == nil {
		t.Errorf("after login %s", body)
	}
}
