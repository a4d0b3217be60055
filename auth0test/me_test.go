package auth0test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// meToken is a My Account token of bob for the canonical host.
func (h *harness) meToken(scope string) string {
	h.t.Helper()
	tok, err := h.s.IssueAccessToken(bobID, TokenOptions{Audience: h.s.MeAudience(), Scope: scope})
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

func (h *harness) meCall(method, path, bearer, contentType, body string) resp {
	h.t.Helper()
	req := h.newReq(method, h.s.URL()+"/me/v1"+path, contentType, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	return h.do(nil, req)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func wantProblem(t *testing.T, r resp, status int, title string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	m := r.json(t)
	if m["status"] != float64(status) || m["title"] != title || m["detail"] == "" ||
		!strings.HasPrefix(m["type"].(string), "https://auth0.com/api-errors/A0E-") {
		t.Fatalf("problem %v, want status %d title %q", m, status, title)
	}
	return m
}

// TestMyAccountWire: the shapes of the OAS (reference §5.2, §5.3): 202 with Location and the
// enrollment's members, 201 with the method, 204; RFC 7807 problems for every refusal.
func TestMyAccountWire(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMyAccountGrant(testClientID), WithMyAccountPlan(PlanUnlimited))
	tok := h.meToken(strings.Join(meScopes(), " "))

	r := h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"totp"}`)
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	start := r.json(t)
	if got := strings.Join(keys(start), ","); got != "auth_session,barcode_uri,id,manual_input_code" {
		t.Errorf("202 members %s", got)
	}
	id := start["id"].(string)
	if loc := r.header.Get("Location"); loc != h.s.URL()+"/me/v1/authentication-methods/"+url.PathEscape(id) {
		t.Errorf("Location %q", loc)
	}
	code := h.totp(id)
	r = h.meCall(http.MethodPost, "/authentication-methods/"+url.PathEscape(id)+"/verify", tok, "application/json",
		`{"auth_session":"`+start["auth_session"].(string)+`","otp_code":"`+code+`"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	if m := r.json(t); m["confirmed"] != true || m["type"] != "totp" || m["created_at"] == nil || !slices.Equal(m["usage"].([]any), []any{"secondary"}) {
		t.Errorf("201 method %v", m)
	}
	r = h.meCall(http.MethodGet, "/authentication-methods", tok, "", "")
	if list := r.json(t)["authentication_methods"].([]any); r.status != http.StatusOK || len(list) != 1 || r.header.Get("X-RateLimit-Limit") != "300" {
		t.Errorf("list %d %s (unlimited plan: only the tenant-wide limit's headers)", r.status, r.body)
	}

	wantProblem(t, h.meCall(http.MethodPost, "/authentication-methods", tok, "application/x-www-form-urlencoded", "type=totp"), http.StatusUnsupportedMediaType, "Unsupported Media Type")
	wantProblem(t, h.meCall(http.MethodPost, "/authentication-methods", tok, "application/json", `{"type":"totp","extra":1}`), http.StatusBadRequest, "validation_error")
	p := wantProblem(t, h.meCall(http.MethodPost, "/authentication-methods/"+url.PathEscape(id)+"/verify", tok, "application/json", `{"auth_session":"nope","otp_code":"123456"}`), http.StatusBadRequest, "validation_error")
	if v, _ := p["validation_errors"].([]any); len(v) != 1 || v[0].(map[string]any)["field"] != "auth_session" {
		t.Errorf("validation_errors %v", p["validation_errors"])
	}
	wantProblem(t, h.meCall(http.MethodPatch, "/authentication-methods/"+url.PathEscape(id), tok, "application/json", `{}`), http.StatusBadRequest, "validation_error")
	wantProblem(t, h.meCall(http.MethodGet, "/authentication-methods/totp%7Cdev_missing", tok, "", ""), http.StatusNotFound, "Not Found")
	wantProblem(t, h.meCall(http.MethodGet, "/factors", h.meToken(ScopeMeRead), "", ""), http.StatusForbidden, "insufficient_scope")
	mfaTok, _ := h.s.IssueAccessToken(bobID, TokenOptions{})
	wantProblem(t, h.meCall(http.MethodGet, "/authentication-methods", mfaTok, "", ""), http.StatusUnauthorized, "Unauthorized")
	if r := h.meCall(http.MethodDelete, "/authentication-methods/"+url.PathEscape(id), tok, "", ""); r.status != http.StatusNoContent {
		t.Errorf("delete %d %s", r.status, r.body)
	}
}

// TestMyAccountFreePlan: 2 reads a minute per user on the Free plan, with x-ratelimit-*
// headers, then a 429 problem with Retry-After; another user has a bucket of their own.
func TestMyAccountFreePlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithMyAccountGrant(testClientID))
	tok := h.meToken(ScopeMeRead)
	for i := range 2 {
		r := h.meCall(http.MethodGet, "/authentication-methods", tok, "", "")
		if r.status != http.StatusOK || r.header.Get("X-RateLimit-Limit") != "2" || r.header.Get("X-RateLimit-Remaining") != []string{"1", "0"}[i] {
			t.Fatalf("read %d: %d %v", i+1, r.status, r.header)
		}
	}
	r := h.meCall(http.MethodGet, "/authentication-methods", tok, "", "")
	wantProblem(t, r, http.StatusTooManyRequests, "Too Many Requests")
	if r.header.Get("Retry-After") != "30" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	alice, _ := h.s.IssueAccessToken(aliceID, TokenOptions{Audience: h.s.MeAudience(), Scope: ScopeMeRead})
	if r := h.meCall(http.MethodGet, "/authentication-methods", alice, "", ""); r.status != http.StatusOK {
		t.Errorf("another user: %d", r.status)
	}
}
