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
		m["credential_backed_up"] != true || m["identity_user_id"] != "bob" || m["user_agent"] != browserUA || m["relying_party_id"] != "localhost" ||
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
