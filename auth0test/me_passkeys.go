package auth0test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// Passkeys through the My Account API (reference §5.3): POST {"type":"passkey"} answers 202
// with auth_session and authn_params_public_key (PublicKeyCredentialCreationOptions) and no
// id, Location …/passkey%7Cnew; POST …/passkey%7Cnew/verify {auth_session, authn_response}
// answers 201 with the passkey. The relying party is real (go-webauthn, in the tenant
// package); this file resolves its rp.id, rp.name and the application's allowed origins.

// Choices where the reference is silent.
const (
	// descPasskeyConnection: [UNK] in the reference: chosen 400 validation_error naming the
	// only connection that has passkeys.
	descPasskeyConnection = "connection must be the user's database connection, " + ConnectionName + "."
	// descAuthnResponseRequired and descAuthnResponseOnly: [UNK]: chosen because they name
	// the member.
	descAuthnResponseRequired = "authn_response is required to verify a passkey."
	descAuthnResponseOnly     = "authn_response applies to passkeys only."
	descPasskeyOnlyMembers    = "connection and identity_user_id apply to passkeys only."
)

// WithPasskeyRPID sets the relying party id of passkeys (default: the custom domain's host,
// "localhost", as Auth0 sets rp.id to the custom domain; field-2026.md §2.3). A test of the
// relying-party trap sets one the app's host is not under.
func WithPasskeyRPID(id string) Option { return func(c *config) { c.passkeyRPID = id } }

// WithWebOrigins sets the application's Allowed Web Origins ("scheme://host[:port]"), the
// origins a passkey registration of clientID may come from. Without it a client allows the
// origins of its redirect URIs.
func WithWebOrigins(clientID string, origins ...string) Option {
	return func(c *config) { c.webOrigins = append(c.webOrigins, grantOverride{clientID, origins}) }
}

// PasskeyRPID returns the relying party id of passkey enrollments.
func (s *Server) PasskeyRPID() string {
	if s.passkeyRPID != "" {
		return s.passkeyRPID
	}
	host, _, err := net.SplitHostPort(s.customDomain)
	if err != nil {
		return s.customDomain
	}
	return host
}

func (s *Server) setupWebOrigins(cfg *config) error {
	for _, o := range cfg.webOrigins {
		c := s.clients[o.clientID]
		if c == nil {
			return fmt.Errorf("auth0test: WithWebOrigins: unknown client %q", o.clientID)
		}
		c.webOrigins = append(c.webOrigins, o.values...)
		c.webOriginsOn = true
	}
	return nil
}

// allowedWebOrigins are the origins a client's passkeys may be registered from.
func (c *client) allowedWebOrigins() []string {
	if c.webOriginsOn {
		return c.webOrigins
	}
	var out []string
	for _, ru := range c.redirectURIs {
		if u, err := url.Parse(ru); err == nil {
			out = append(out, u.Scheme+"://"+u.Host)
		}
	}
	return out
}

func (s *Server) passkeyRP(clientID string) tenant.PasskeyRP {
	// rp.name: [UNK] in the reference (Auth0.Android's mock has "rp": {"id": "rpId", "name":
	// "rpName"}): chosen as the tenant's friendly name, what the passkey prompt shows as the
	// site.
	rp := tenant.PasskeyRP{ID: s.PasskeyRPID(), Name: s.tenant.Settings().FriendlyName}
	s.mu.Lock()
	if c := s.clients[clientID]; c != nil {
		rp.Origins = append(rp.Origins, c.allowedWebOrigins()...)
	}
	s.mu.Unlock()
	return rp
}

// startPasskey answers POST /me/v1/authentication-methods {"type":"passkey"}.
func (s *Server) startPasskey(w http.ResponseWriter, r *http.Request, sub *meSubject, connection, identity string) {
	if connection != "" && connection != ConnectionName {
		writeProblem(w, fieldProblem(descPasskeyConnection, "connection"))
		return
	}
	st, e := s.tenant.StartPasskey(sub.sub, sub.clientID, identity, s.passkeyRP(sub.clientID))
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	out := struct {
		AuthSession string `json:"auth_session"`
		Options     any    `json:"authn_params_public_key"`
	}{st.AuthSession, st.Options}
	w.Header().Set("Location", methodLocation(r, tenant.PasskeyNewID))
	writeJSON(w, http.StatusAccepted, out)
}

// verifyPasskey answers POST /me/v1/authentication-methods/passkey%7Cnew/verify.
func (s *Server) verifyPasskey(w http.ResponseWriter, r *http.Request, sub *meSubject, authSession string, response json.RawMessage) {
	if len(response) == 0 || string(response) == "null" {
		writeProblem(w, fieldProblem(descAuthnResponseRequired, "authn_response"))
		return
	}
	m, e := s.tenant.VerifyPasskey(sub.sub, sub.clientID, r.PathValue("id"), authSession, response, r.UserAgent())
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	w.Header().Set("Location", methodLocation(r, m.ID))
	writeJSON(w, http.StatusCreated, toMethodJSON(m))
}

// passkeyJSON is the members a passkey method adds (OAS AuthenticationMethodPasskey; a
// recorded list, and Auth0.Android's model for aaguid and relying_party_id).
type passkeyJSON struct {
	CredentialDeviceType string   `json:"credential_device_type,omitempty"`
	CredentialBackedUp   *bool    `json:"credential_backed_up,omitempty"`
	IdentityUserID       string   `json:"identity_user_id,omitempty"`
	KeyID                string   `json:"key_id,omitempty"`
	PublicKey            string   `json:"public_key,omitempty"`
	Transports           []string `json:"transports,omitempty"`
	UserAgent            string   `json:"user_agent,omitempty"`
	UserHandle           string   `json:"user_handle,omitempty"`
	RelyingPartyID       string   `json:"relying_party_id,omitempty"`
	AAGUID               string   `json:"aaguid,omitempty"`
}

func toPasskeyJSON(p *tenant.Passkey) passkeyJSON {
	if p == nil {
		return passkeyJSON{}
	}
	backedUp := p.BackedUp
	return passkeyJSON{
		CredentialDeviceType: p.DeviceType, CredentialBackedUp: &backedUp, IdentityUserID: p.IdentityUserID,
		KeyID: p.KeyID, PublicKey: p.PublicKey, Transports: p.Transports, UserAgent: p.UserAgent,
		UserHandle: p.UserHandle, RelyingPartyID: p.RelyingPartyID, AAGUID: p.AAGUID,
	}
}

// usageOf is a method's usage: a passkey signs in (primary), the others are second factors.
func usageOf(typ string) []string {
	if typ == tenant.MethodPasskey {
		return []string{"primary"}
	}
	return []string{"secondary"}
}

// fieldProblem is a 400 validation_error about one member.
func fieldProblem(detail, field string) *problem {
	return &problem{status: http.StatusBadRequest, title: "validation_error", detail: detail,
		validations: []map[string]string{{"detail": detail, "field": field}}}
}

// isPasskeyEnrollment reports whether a verify targets the passkey enrollment.
func isPasskeyEnrollment(id string) bool { return id == tenant.PasskeyNewID }
