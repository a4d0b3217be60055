package auth0test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

const (
	appOrigin = "http://localhost:3000"
	browserUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/140.0.0.0 Safari/537.36"
)

func passkeyHarness(t *testing.T, opts ...Option) (*harness, string) {
	t.Helper()
	h := newHarness(t, append([]Option{WithMyAccountGrant(testClientID), WithMyAccountPlan(PlanUnlimited),
		WithWebOrigins(testClientID, appOrigin)}, opts...)...)
	return h, h.meToken(strings.Join(meScopes(), " "))
}

// passkeyStart posts {"type":"passkey"} and returns the 202's auth_session and options JSON.
func (h *harness) passkeyStart(base, tok string) (session string, options []byte) {
	h.t.Helper()
	r := h.meCallAt(base, http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey"}`)
	if r.status != http.StatusAccepted {
		h.t.Fatalf("create: %d %s", r.status, r.body)
	}
	var body struct {
		AuthSession string          `json:"auth_session"`
		Options     json.RawMessage `json:"authn_params_public_key"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		h.t.Fatal(err)
	}
	return body.AuthSession, body.Options
}

func (h *harness) passkeyVerify(base, tok, session string, response []byte) resp {
	h.t.Helper()
	body, err := json.Marshal(map[string]any{"auth_session": session, "authn_response": json.RawMessage(response)})
	if err != nil {
		h.t.Fatal(err)
	}
	req := h.newReq(http.MethodPost, base+"/me/v1/authentication-methods/passkey%7Cnew/verify", "application/json", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("User-Agent", browserUA)
	return h.do(nil, req)
}

func (h *harness) meCallAt(base, method, path, bearer, contentType, body string) resp {
	h.t.Helper()
	req := h.newReq(method, base+"/me/v1"+path, contentType, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	return h.do(nil, req)
}

func (h *harness) passkeys(tok string) []any {
	h.t.Helper()
	r := h.meCall(http.MethodGet, "/authentication-methods?type=passkey", tok, "", "")
	if r.status != http.StatusOK {
		h.t.Fatalf("list: %d %s", r.status, r.body)
	}
	return r.json(h.t)["authentication_methods"].([]any)
}

// TestMyAccountPasskeyWire: the shapes of reference §5.3 on the wire: a 202 with auth_session and
// authn_params_public_key, no id, Location …/passkey%7Cnew; a 201 with the passkey and its
// members; listed, filtered, read, renamed, excluded from the next enrollment, removed.
func TestMyAccountPasskeyWire(t *testing.T) {
	t.Parallel()
	h, tok := passkeyHarness(t)
	r := h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey","connection":"Username-Password-Authentication","identity_user_id":"bob"}`)
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	start := r.json(t)
	if got := strings.Join(keys(start), ","); got != "auth_session,authn_params_public_key" {
		t.Errorf("202 members %s", got)
	}
	if loc := r.header.Get("Location"); loc != h.s.URL()+"/me/v1/authentication-methods/passkey%7Cnew" {
		t.Errorf("Location %q", loc)
	}
	opts := start["authn_params_public_key"].(map[string]any)
	if got := strings.Join(keys(opts), ","); got != "authenticatorSelection,challenge,pubKeyCredParams,rp,timeout,user" {
		t.Errorf("options members %s", got)
	}
	sel, _ := json.Marshal(opts["authenticatorSelection"])
	rp, _ := json.Marshal(opts["rp"])
	params, _ := json.Marshal(opts["pubKeyCredParams"])
	user := opts["user"].(map[string]any)
	if string(sel) != `{"residentKey":"required","userVerification":"preferred"}` || string(rp) != `{"id":"localhost","name":"auth0emu"}` ||
		string(params) != `[{"alg":-7,"type":"public-key"},{"alg":-257,"type":"public-key"}]` || opts["timeout"] != float64(60000) ||
		len(opts["challenge"].(string)) != 43 || user["name"] != "bob@example.com" || user["displayName"] != "Bob" || len(user["id"].(string)) != 86 {
		t.Errorf("options %s", mustMarshal(t, opts))
	}
	a := webauthntest.New(webauthntest.Provider{AAGUID: webauthntest.AAGUIDGooglePasswordManager, BackupEligible: true, BackedUp: true})
	optsJSON := mustMarshal(t, opts)
	resp, err := a.Create(optsJSON, appOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r = h.passkeyVerify(h.s.URL(), tok, start["auth_session"].(string), resp)
	if r.status != http.StatusCreated {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	m := r.json(t)
	id, _ := m["id"].(string)
	if loc := r.header.Get("Location"); loc != h.s.URL()+"/me/v1/authentication-methods/"+url.PathEscape(id) || !strings.HasPrefix(id, "passkey|dev_") {
		t.Errorf("201 Location %q for %q", loc, id)
	}
	if got := strings.Join(keys(m), ","); got != "aaguid,confirmed,created_at,credential_backed_up,credential_device_type,id,identity_user_id,key_id,public_key,relying_party_id,transports,type,usage,user_agent,user_handle" {
		t.Errorf("201 members %s", got)
	}
	if m["type"] != "passkey" || m["confirmed"] != true || m["created_at"] != "2026-11-26T12:00:00.000Z" || m["credential_device_type"] != "multi_device" ||
		m["credential_backed_up"] != true || m["identity_user_id"] != "bob" || m["user_agent"] != "Chrome 140.0.0 / Mac OS X 10.15.7" || m["relying_party_id"] != "localhost" ||
		m["aaguid"] != "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" || m["user_handle"] != user["id"] || !slices.Equal(m["usage"].([]any), []any{"primary"}) {
		t.Errorf("201 passkey %s", r.body)
	}

	if list := h.passkeys(tok); len(list) != 1 || list[0].(map[string]any)["key_id"] != m["key_id"] {
		t.Errorf("list %v", list)
	}
	if r := h.meCall(http.MethodGet, "/authentication-methods/"+url.PathEscape(id), tok, "", ""); r.status != http.StatusOK || r.json(t)["public_key"] != m["public_key"] {
		t.Errorf("get %d %s", r.status, r.body)
	}
	if r := h.meCall(http.MethodPatch, "/authentication-methods/"+url.PathEscape(id), tok, "application/json", `{"name":"Pixel 9"}`); r.status != http.StatusOK || r.json(t)["name"] != "Pixel 9" {
		t.Errorf("rename %d %s", r.status, r.body)
	}
	if r := h.meCall(http.MethodGet, "/factors", tok, "", ""); !strings.Contains(string(r.body), `{"type":"passkey","usage":["primary"]}`) {
		t.Errorf("factors %s", r.body)
	}
	if list := h.get(h.s.URL(), "/mfa/authenticators", h.mfaAccess(bobID)).jsonArray(t); len(list) != 0 {
		t.Errorf("the MFA API lists the passkey: %v", list)
	}

	// The next enrollment excludes it, and the authenticator refuses as a browser would.
	_, next := h.passkeyStart(h.s.URL(), tok)
	var o webauthntest.CreationOptions
	_ = json.Unmarshal(next, &o)
	if len(o.ExcludeCredentials) != 1 || o.ExcludeCredentials[0].ID != m["key_id"] {
		t.Errorf("excludeCredentials %s", next)
	}
	if _, err := a.Create(next, appOrigin); !errors.Is(err, webauthntest.ErrExcluded) {
		t.Errorf("a second registration on the same authenticator: %v", err)
	}

	if r := h.meCall(http.MethodDelete, "/authentication-methods/"+url.PathEscape(id), tok, "", ""); r.status != http.StatusNoContent {
		t.Errorf("delete %d %s", r.status, r.body)
	}
	if list := h.passkeys(tok); len(list) != 0 {
		t.Errorf("after delete %v", list)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (h *harness) mfaAccess(sub string) string {
	h.t.Helper()
	tok, err := h.s.IssueAccessToken(sub, TokenOptions{Audience: h.s.MFAAudience(), Scope: "read:authenticators"})
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// TestMyAccountPasskeyRefusals: the HTTP layer's own checks and the tenant's answers as RFC 7807
// problems, each with its member in validation_errors where there is one, and nothing stored.
func TestMyAccountPasskeyRefusals(t *testing.T) {
	t.Parallel()
	honest := func(t *testing.T, a *webauthntest.Authenticator, opts []byte) []byte {
		resp, err := a.Create(opts, appOrigin)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, tc := range []struct {
		name string
		// call makes the request, given a fresh enrollment's session and options.
		call   func(t *testing.T, h *harness, tok, session string, opts []byte) resp
		status int
		title  string
		detail string
		field  string // the validation_errors member ("" none)
	}{
		{name: "no authn_response", call: func(t *testing.T, h *harness, tok, session string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods/passkey%7Cnew/verify", tok, "application/json", `{"auth_session":"`+session+`"}`)
		}, status: 400, title: "validation_error", detail: descAuthnResponseRequired, field: "authn_response"},
		{name: "authn_response null", call: func(t *testing.T, h *harness, tok, session string, _ []byte) resp {
			return h.passkeyVerify(h.s.URL(), tok, session, []byte("null"))
		}, status: 400, title: "validation_error", detail: descAuthnResponseRequired, field: "authn_response"},
		{name: "no auth_session", call: func(t *testing.T, h *harness, tok, _ string, opts []byte) resp {
			return h.passkeyVerify(h.s.URL(), tok, "", honest(t, webauthntest.New(webauthntest.Provider{}), opts))
		}, status: 400, title: "validation_error", detail: "auth_session is required."},
		{name: "body not JSON", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods/passkey%7Cnew/verify", tok, "application/json", `{"auth_session":`)
		}, status: 400, title: "validation_error", detail: "The request body is not valid JSON for this operation."},
		{name: "unknown member", call: func(t *testing.T, h *harness, tok, session string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods/passkey%7Cnew/verify", tok, "application/json", `{"auth_session":"`+session+`","authn_respons":{}}`)
		}, status: 400, title: "validation_error", detail: `Unknown member "authn_respons".`},
		{name: "form body", call: func(t *testing.T, h *harness, tok, session string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods/passkey%7Cnew/verify", tok, "application/x-www-form-urlencoded", "auth_session="+session)
		}, status: 415, title: "Unsupported Media Type", detail: descContentTypeJSON},
		{name: "authn_response a number", call: func(t *testing.T, h *harness, tok, session string, _ []byte) resp {
			return h.passkeyVerify(h.s.URL(), tok, session, []byte("42"))
		}, status: 400, title: "validation_error", detail: "authn_response is not a PublicKeyCredential registration response (id, rawId, type public-key, response.clientDataJSON, response.attestationObject).", field: "authn_response"},
		{name: "wrong origin", call: func(t *testing.T, h *harness, tok, session string, opts []byte) resp {
			resp, _ := webauthntest.New(webauthntest.Provider{}).CreateWith(opts, webauthntest.Ceremony{Origin: "http://localhost:4000"})
			return h.passkeyVerify(h.s.URL(), tok, session, resp)
		}, status: 400, title: "validation_error", detail: "authn_response.response.clientDataJSON origin is not an allowed origin of this application.", field: "authn_response"},
		{name: "wrong challenge", call: func(t *testing.T, h *harness, tok, session string, opts []byte) resp {
			resp, _ := webauthntest.New(webauthntest.Provider{}).CreateWith(opts, webauthntest.Ceremony{Origin: appOrigin, Challenge: "Zm9v"})
			return h.passkeyVerify(h.s.URL(), tok, session, resp)
		}, status: 400, title: "validation_error", detail: "authn_response.response.clientDataJSON challenge does not match the auth_session.", field: "authn_response"},
		{name: "webauthn.get", call: func(t *testing.T, h *harness, tok, session string, opts []byte) resp {
			resp, _ := webauthntest.New(webauthntest.Provider{}).CreateWith(opts, webauthntest.Ceremony{Origin: appOrigin, Type: "webauthn.get"})
			return h.passkeyVerify(h.s.URL(), tok, session, resp)
		}, status: 400, title: "validation_error", detail: "authn_response.response.clientDataJSON type must be webauthn.create.", field: "authn_response"},
		{name: "expired auth_session", call: func(t *testing.T, h *harness, tok, session string, opts []byte) resp {
			h.s.Advance(5 * 60e9)
			return h.passkeyVerify(h.s.URL(), tok, session, honest(t, webauthntest.New(webauthntest.Provider{}), opts))
		}, status: 400, title: "validation_error", detail: "auth_session has expired. Start the enrollment again.", field: "auth_session"},
		{name: "auth_session on the canonical host's token through the custom host", call: func(t *testing.T, h *harness, tok, session string, opts []byte) resp {
			return h.passkeyVerify(h.s.CustomURL(), tok, session, honest(t, webauthntest.New(webauthntest.Provider{}), opts))
		}, status: 401, title: "Unauthorized", detail: descMeInvalidToken},
		{name: "authn_response on a totp", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			r := h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"totp"}`)
			st := r.json(t)
			return h.meCall(http.MethodPost, "/authentication-methods/"+url.PathEscape(st["id"].(string))+"/verify", tok, "application/json",
				`{"auth_session":"`+st["auth_session"].(string)+`","authn_response":{}}`)
		}, status: 400, title: "validation_error", detail: descAuthnResponseOnly, field: "authn_response"},
		{name: "another connection", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey","connection":"google-oauth2"}`)
		}, status: 400, title: "validation_error", detail: descPasskeyConnection, field: "connection"},
		{name: "another identity", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey","identity_user_id":"alice"}`)
		}, status: 400, title: "validation_error", detail: "identity_user_id is not an identity of this user.", field: "identity_user_id"},
		{name: "connection on a totp", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			return h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"totp","connection":"Username-Password-Authentication"}`)
		}, status: 400, title: "validation_error", detail: descPasskeyOnlyMembers},
		{name: "passkeys off", call: func(t *testing.T, h *harness, tok, _ string, _ []byte) resp {
			st := h.s.Settings()
			st.Passkeys = false
			h.s.SetSettings(st)
			return h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey"}`)
		}, status: 400, title: "validation_error", detail: "Passkeys are not enabled for the database connection."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, tok := passkeyHarness(t)
			session, opts := h.passkeyStart(h.s.URL(), tok)
			r := tc.call(t, h, tok, session, opts)
			p := wantProblem(t, r, tc.status, tc.title)
			if p["detail"] != tc.detail {
				t.Errorf("detail %q, want %q", p["detail"], tc.detail)
			}
			v, _ := p["validation_errors"].([]any)
			if tc.field == "" && v != nil || tc.field != "" && (len(v) != 1 || v[0].(map[string]any)["field"] != tc.field) {
				t.Errorf("validation_errors %v, want field %q", v, tc.field)
			}
			if list := h.passkeys(tok); len(list) != 0 {
				t.Errorf("stored %v", list)
			}
		})
	}
}

// TestMyAccountPasskeyRelyingParty: rp.id is the custom domain's host unless WithPasskeyRPID
// says otherwise, and an origin outside it is refused (the relying-party trap, which a browser
// would refuse with SecurityError); without WithWebOrigins the redirect URIs' origins are the
// allowed ones; enrollment works through the custom domain with its own audience.
func TestMyAccountPasskeyRelyingParty(t *testing.T) {
	t.Parallel()
	t.Run("trap", func(t *testing.T) {
		t.Parallel()
		h, tok := passkeyHarness(t, WithPasskeyRPID("login.example.com"))
		session, opts := h.passkeyStart(h.s.URL(), tok)
		var o webauthntest.CreationOptions
		_ = json.Unmarshal(opts, &o)
		if o.RP.ID != "login.example.com" || h.s.PasskeyRPID() != "login.example.com" {
			t.Fatalf("rp.id %q", o.RP.ID)
		}
		resp, _ := webauthntest.New(webauthntest.Provider{}).Create(opts, appOrigin)
		p := wantProblem(t, h.passkeyVerify(h.s.URL(), tok, session, resp), 400, "validation_error")
		if !strings.Contains(p["detail"].(string), "origin") {
			t.Errorf("detail %v", p["detail"])
		}
	})
	t.Run("redirect URI origins, custom domain", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, WithMyAccountGrant(testClientID), WithMyAccountPlan(PlanUnlimited))
		if err := h.s.AddRedirectURI(testClientID, "http://app.localhost:8080/callback"); err != nil {
			t.Fatal(err)
		}
		tok, err := h.s.IssueAccessToken(bobID, TokenOptions{Audience: h.s.CustomMeAudience(), ViaCustomDomain: true})
		if err != nil {
			t.Fatal(err)
		}
		if h.s.PasskeyRPID() != "localhost" {
			t.Errorf("default rp.id %q", h.s.PasskeyRPID())
		}
		session, opts := h.passkeyStart(h.s.CustomURL(), tok)
		resp, _ := webauthntest.New(webauthntest.Provider{}).Create(opts, "http://app.localhost:8080")
		r := h.passkeyVerify(h.s.CustomURL(), tok, session, resp)
		if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), h.s.CustomURL()+"/me/v1/authentication-methods/passkey%7Cdev_") {
			t.Errorf("verify %d %s %v", r.status, r.body, r.header.Get("Location"))
		}
		session, opts = h.passkeyStart(h.s.CustomURL(), tok)
		resp, _ = webauthntest.New(webauthntest.Provider{}).Create(opts, "http://app.test") // testCallback's origin: not under localhost
		wantProblem(t, h.passkeyVerify(h.s.CustomURL(), tok, session, resp), 400, "validation_error")
	})
}

// TestWithWebOriginsUnknownClient: a typo in the client id is an error at start.
func TestWithWebOriginsUnknownClient(t *testing.T) {
	t.Parallel()
	s, err := NewServer(WithSigningKey(testKey()), WithClient(testClientID, testSecret), WithWebOrigins("nope", appOrigin))
	if err == nil {
		s.Close()
		t.Fatal("started")
	}
	if !strings.Contains(err.Error(), `WithWebOrigins: unknown client "nope"`) {
		t.Errorf("error %v", err)
	}
}

// TestMyAccountPasskeySocialUser: a user of a social connection gets a My Account token like
// anyone, and a 400 when enrolling a passkey; their id is generated with
// the connection's prefix.
func TestMyAccountPasskeySocialUser(t *testing.T) {
	t.Parallel()
	h, _ := passkeyHarness(t)
	u, err := h.s.AddUser(User{Email: "gina@example.com", Name: "Gina", Connection: "google-oauth2"})
	if err != nil || !strings.HasPrefix(u.ID, "google-oauth2|") {
		t.Fatalf("AddUser %+v %v", u, err)
	}
	if got, ok := h.s.User(u.ID); !ok || got.Connection != "google-oauth2" {
		t.Errorf("User %+v", got)
	}
	tok, err := h.s.IssueAccessToken(u.ID, TokenOptions{Audience: h.s.MeAudience()})
	if err != nil {
		t.Fatal(err)
	}
	p := wantProblem(t, h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"passkey"}`), 400, "validation_error")
	if p["detail"] != "Passkeys are available only for users of a database connection." {
		t.Errorf("detail %v", p["detail"])
	}
	if _, err := h.s.AddUser(User{Email: "gus@example.com", Password: "pw", Connection: "google-oauth2"}); err == nil {
		t.Error("a social user with a password was added")
	}
}
