package auth0test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

const testAPI = "https://api.example.com/"

// refreshHarness is a tenant with the host's API, and helpers for the refresh token grant.
type refreshHarness struct {
	*harness
	base string
}

func newRefreshHarness(t *testing.T, opts ...Option) *refreshHarness {
	h := newHarness(t, append([]Option{WithAPI(testAPI, "read:things", "write:things")}, opts...)...)
	return &refreshHarness{harness: h, base: h.s.URL()}
}

// login is a password-realm login of bob; it returns the token response.
func (h *refreshHarness) login(aud, scope string) map[string]any {
	h.t.Helper()
	r := h.postForm(h.base, "/oauth/token", passwordRealm("bob@example.com", bobPass, aud, scope))
	if r.status != http.StatusOK {
		h.t.Fatalf("login: %d %s", r.status, r.body)
	}
	return r.json(h.t)
}

func (h *refreshHarness) refresh(rt string, extra ...string) resp {
	h.t.Helper()
	v := url.Values{"grant_type": {GrantRefreshToken}, "client_id": {testClientID}, "client_secret": {testSecret}, "refresh_token": {rt}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return h.postForm(h.base, "/oauth/token", v)
}

func (h *refreshHarness) refreshOK(rt string, extra ...string) map[string]any {
	h.t.Helper()
	r := h.refresh(rt, extra...)
	if r.status != http.StatusOK {
		h.t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	return r.json(h.t)
}

func wantInvalidRefresh(t *testing.T, r resp) {
	t.Helper()
	wantError(t, r, http.StatusForbidden, ErrCodeInvalidGrant, descInvalidRefreshToken)
}

// TestRefreshTokens: offline_access gets a refresh token whose exchange returns the login's
// audience and scope (or a narrower one), the auth_time of the login, and no new refresh
// token without rotation; tokens of another client, revoked ones and wider scopes are refused.
func TestRefreshTokens(t *testing.T) {
	t.Parallel()
	h := newRefreshHarness(t)
	if m := h.login(testAPI, "openid read:things"); m["refresh_token"] != nil {
		t.Errorf("a login without offline_access got a refresh token: %v", m)
	}
	m := h.login(testAPI, "openid read:things write:things offline_access")
	rt, _ := m["refresh_token"].(string)
	if rt == "" || m["scope"] != "openid read:things write:things offline_access" {
		t.Fatalf("login: %v", m)
	}
	loginAuth := h.claims(h.base, m["id_token"].(string))["auth_time"]
	h.s.Advance(2 * time.Hour)
	for range 2 { // a non-rotating token is used again and again
		n := h.refreshOK(rt)
		at := h.claims(h.base, n["access_token"].(string))
		if n["refresh_token"] != nil || at["scope"] != "openid read:things write:things offline_access" ||
			at["aud"].([]any)[0] != testAPI || h.claims(h.base, n["id_token"].(string))["auth_time"] != loginAuth {
			t.Fatalf("refreshed: %v, access token %v", n, at)
		}
	}
	if n := h.refreshOK(rt, "scope", "openid read:things"); h.claims(h.base, n["access_token"].(string))["scope"] != "openid read:things" {
		t.Errorf("a narrower scope: %v", n)
	}
	wantError(t, h.refresh(rt, "scope", "openid read:things admin"), http.StatusForbidden, ErrCodeAccessDenied, descRefreshScopeWider)
	wantInvalidRefresh(t, h.refresh("v1.not-a-token"))
	wantError(t, h.refresh(""), http.StatusBadRequest, ErrCodeInvalidRequest, "Missing required parameter: refresh_token")

	// The My Account API's audience issues one (with its client grant).
	me := newRefreshHarness(t, WithMyAccountGrant(testClientID))
	mm := me.login(me.s.MeAudience(), "openid read:me:authentication_methods offline_access")
	if n := me.refreshOK(mm["refresh_token"].(string)); me.claims(me.base, n["access_token"].(string))["aud"].([]any)[0] != me.s.MeAudience() {
		t.Errorf("a refreshed My Account token: %v", n)
	}

	// The MFA API audience issues one too (mfaAudienceIssuesRefreshTokens), for a 10-minute token.
	mfa := h.login(h.s.MFAAudience(), "openid enroll offline_access")
	if n := h.refreshOK(mfa["refresh_token"].(string)); n["expires_in"] != float64(600) {
		t.Errorf("a refreshed MFA API token: %v", n)
	}

	// Revocation ends the family; revoking an unknown token is not an error.
	rv := h.postForm(h.base, "/oauth/revoke", url.Values{"client_id": {testClientID}, "client_secret": {testSecret}, "token": {rt}})
	if rv.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", rv.status, rv.body)
	}
	wantInvalidRefresh(t, h.refresh(rt))
	if rv := h.postForm(h.base, "/oauth/revoke", url.Values{"client_id": {testClientID}, "client_secret": {testSecret}, "token": {"v1.unknown"}}); rv.status != http.StatusOK {
		t.Errorf("revoking an unknown token: %d", rv.status)
	}
}

// TestRefreshTokenOfAnotherClient and without the grant.
func TestRefreshTokenClients(t *testing.T) {
	t.Parallel()
	h := newRefreshHarness(t, WithClient("other", "other-secret", testCallback))
	rt := h.login(testAPI, "openid offline_access")["refresh_token"].(string)
	v := url.Values{"grant_type": {GrantRefreshToken}, "client_id": {"other"}, "client_secret": {"other-secret"}, "refresh_token": {rt}}
	wantInvalidRefresh(t, h.postForm(h.base, "/oauth/token", v))

	// An application without the refresh_token grant gets no refresh token, and may not use the grant.
	n := newRefreshHarness(t, WithGrantTypes(testClientID, GrantPasswordRealm))
	if m := n.login(testAPI, "openid offline_access"); m["refresh_token"] != nil {
		t.Errorf("a client without the refresh_token grant got a refresh token: %v", m)
	}
	if r := n.refresh("v1.anything"); r.status != http.StatusForbidden || r.json(t)["error"] != ErrCodeUnauthorizedClient {
		t.Errorf("the grant without permission: %d %s", r.status, r.body)
	}
}

// TestRefreshTokenRotation: each exchange returns a new refresh token and retires the used
// one; a retired token within the overlap period is accepted once more (only the one just
// replaced), and after it reuse revokes the whole family; rotating tokens expire.
func TestRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	t.Run("reuse after the overlap revokes the family", func(t *testing.T) {
		t.Parallel()
		h := newRefreshHarness(t, WithRefreshTokenRotation(testClientID, 10*time.Second))
		rt0 := h.login(testAPI, "openid offline_access")["refresh_token"].(string)
		rt1, _ := h.refreshOK(rt0)["refresh_token"].(string)
		if rt1 == "" || rt1 == rt0 {
			t.Fatalf("rotation returned %q", rt1)
		}
		h.s.Advance(5 * time.Second)
		rt1b, _ := h.refreshOK(rt0)["refresh_token"].(string) // within the overlap: a retry
		if rt1b == "" {
			t.Fatal("no refresh token within the overlap")
		}
		rt2, _ := h.refreshOK(rt1b)["refresh_token"].(string)
		wantInvalidRefresh(t, h.refresh(rt0)) // no longer the one just replaced: reuse
		wantInvalidRefresh(t, h.refresh(rt2)) // the family is revoked
	})
	t.Run("no overlap", func(t *testing.T) {
		t.Parallel()
		h := newRefreshHarness(t, WithRefreshTokenRotation(testClientID, 0))
		rt0 := h.login(testAPI, "openid offline_access")["refresh_token"].(string)
		rt1 := h.refreshOK(rt0)["refresh_token"].(string)
		h.s.Advance(time.Second)
		wantInvalidRefresh(t, h.refresh(rt0))
		wantInvalidRefresh(t, h.refresh(rt1))
	})
	t.Run("idle and absolute lifetimes", func(t *testing.T) {
		t.Parallel()
		h := newRefreshHarness(t, WithRefreshTokenRotation(testClientID, 0))
		rt := h.login(testAPI, "openid offline_access")["refresh_token"].(string)
		h.s.Advance(RefreshTokenIdleLifetime - time.Minute)
		rt = h.refreshOK(rt)["refresh_token"].(string)
		h.s.Advance(RefreshTokenIdleLifetime)
		wantInvalidRefresh(t, h.refresh(rt)) // idle too long

		rt = h.login(testAPI, "openid offline_access")["refresh_token"].(string)
		step := RefreshTokenLifetime / 4 // well within the idle lifetime
		for range 3 {
			h.s.Advance(step)
			rt = h.refreshOK(rt)["refresh_token"].(string)
		}
		h.s.Advance(step)
		wantInvalidRefresh(t, h.refresh(rt)) // used all along, but the family is 30 days old
	})
}
