package auth0test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// bearerSubject is who a /mfa/* bearer token stands for.
type bearerSubject struct {
	sub      string
	clientID string
	opaque   bool // an mfa_token rather than an /mfa/ access token
}

func bearerError(status int, code, desc string) *apiError {
	e := newAPIError(status, code, desc)
	e.wwwAuth = true
	return e
}

// bearer checks the Authorization header of a /mfa/* request: an /mfa/
// access token (signature, issuer host = request host, expiry, an MFA
// audience of this tenant, canonical or custom, and the scope) or, when
// allowOpaque, an opaque mfa_token.
func (s *Server) bearer(r *http.Request, scope string, allowOpaque bool) (*bearerSubject, *apiError) {
	tok, ok := bearerToken(r)
	if !ok {
		return nil, bearerError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerMissing)
	}
	invalid := bearerError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerInvalid)
	if looksLikeJWT(tok) {
		cl, err := s.keys.verify(tok)
		if err != nil || issuerHost(cl.Iss) != issuerHost(issuerFor(r)) {
			return nil, invalid
		}
		if !s.clock.Now().Before(time.Unix(cl.Exp, 0)) {
			return nil, bearerError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerExpired)
		}
		var mfaAud bool
		for _, a := range cl.Aud {
			mfaAud = mfaAud || s.isMFAAudience(a)
		}
		if !mfaAud {
			return nil, bearerError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerAudience)
		}
		if !hasScope(cl.Scope, scope) {
			return nil, bearerError(http.StatusForbidden, ErrCodeInsufficientScope, fmt.Sprintf(descInsufficientScope, scope))
		}
		if _, ok := s.User(cl.Sub); !ok {
			return nil, invalid
		}
		return &bearerSubject{sub: cl.Sub, clientID: cl.Azp}, nil
	}
	if !allowOpaque {
		return nil, invalid
	}
	sub, clientID, terr := s.tenant.LookupMFAToken(tok)
	if terr != nil {
		if terr.Code == ErrCodeExpiredToken {
			return nil, bearerError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerExpired)
		}
		return nil, invalid
	}
	return &bearerSubject{sub: sub, clientID: clientID, opaque: true}, nil
}

type authenticatorJSON struct {
	ID                string `json:"id"`
	AuthenticatorType string `json:"authenticator_type"`
	Active            bool   `json:"active"`
	OOBChannel        string `json:"oob_channel,omitempty"`
	Name              string `json:"name,omitempty"`
}

// listIncludesTimestamps: [UNK] in the reference whether created_at and
// last_auth appear (Auth0.Android maps them; no recording has them):
// chosen false to match every recorded list body.
const listIncludesTimestamps = false

func (s *Server) handleListAuthenticators(w http.ResponseWriter, r *http.Request) {
	b, e := s.bearer(r, ScopeReadAuthenticators, true)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	out := []any{}
	for _, a := range s.tenant.List(b.sub) {
		j := authenticatorJSON{ID: a.ID, AuthenticatorType: a.AuthenticatorType, Active: a.Active, OOBChannel: a.OOBChannel, Name: a.Name}
		if listIncludesTimestamps {
			out = append(out, struct {
				authenticatorJSON
				CreatedAt time.Time  `json:"created_at"`
				LastAuth  *time.Time `json:"last_auth,omitempty"`
			}{j, a.CreatedAt, a.LastAuth})
			continue
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, out)
}

type associateBody struct {
	AuthenticatorTypes []string `json:"authenticator_types"`
	OOBChannels        []string `json:"oob_channels"`
	PhoneNumber        string   `json:"phone_number"`
	Email              string   `json:"email"`
	ClientID           string   `json:"client_id"`
	ClientSecret       string   `json:"client_secret"`
}

type associateJSON struct {
	AuthenticatorType string   `json:"authenticator_type"`
	Secret            string   `json:"secret,omitempty"`
	BarcodeURI        string   `json:"barcode_uri,omitempty"`
	OOBChannel        string   `json:"oob_channel,omitempty"`
	OOBCode           string   `json:"oob_code,omitempty"`
	BindingMethod     string   `json:"binding_method,omitempty"`
	RecoveryCodes     []string `json:"recovery_codes,omitempty"`
}

func (s *Server) handleAssociate(w http.ResponseWriter, r *http.Request) {
	b, e := s.bearer(r, ScopeEnroll, true)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if mediaType(r) != contentTypeJSON {
		writeAPIError(w, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, descContentTypeJSON))
		return
	}
	raw, e := readBody(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	var body associateBody
	if err := decodeStrictJSON(raw, &body); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			writeAPIError(w, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, te.Field+" has the wrong type."))
			return
		}
		writeAPIError(w, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, descBadJSON))
		return
	}
	clientID := b.clientID
	if body.ClientID != "" {
		if associateClientMustMatchToken && body.ClientID != b.clientID {
			writeAPIError(w, s.clientAuthError())
			return
		}
		s.mu.Lock()
		c := s.clients[body.ClientID]
		s.mu.Unlock()
		if c == nil || (body.ClientSecret != "" && !secretEqual(body.ClientSecret, c.secret)) {
			writeAPIError(w, s.clientAuthError())
			return
		}
		clientID = c.id
	}
	res, terr := s.tenant.Associate(b.sub, clientID, tenant.AssociateRequest{
		AuthenticatorTypes: body.AuthenticatorTypes, OOBChannels: body.OOBChannels,
		PhoneNumber: body.PhoneNumber, Email: body.Email,
	}, b.opaque)
	if terr != nil {
		writeAPIError(w, fromTenant(terr))
		return
	}
	writeJSON(w, http.StatusOK, associateJSON{
		AuthenticatorType: res.AuthenticatorType, Secret: res.Secret, BarcodeURI: res.BarcodeURI,
		OOBChannel: res.OOBChannel, OOBCode: res.OOBCode, BindingMethod: res.BindingMethod,
		RecoveryCodes: res.RecoveryCodes,
	})
}

func (s *Server) handleDeleteAuthenticator(w http.ResponseWriter, r *http.Request) {
	b, e := s.bearer(r, ScopeRemoveAuthenticators, false)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if terr := s.tenant.Delete(b.sub, r.PathValue("id")); terr != nil {
		writeAPIError(w, fromTenant(terr))
		return
	}
	// Recorded: 204 with an empty body and Content-Type: application/json.
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(http.StatusNoContent)
}

// handleChallenge serves POST /mfa/challenge (JSON or form). Only the
// opaque mfa_token is accepted; an /mfa/ JWT is "Malformed mfa_token"
// (reference §1.4, community 64112).
func (s *Server) handleChallenge(w http.ResponseWriter, r *http.Request) {
	p, e := readParams(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	c, e := s.authenticateClient(r, p)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	tok := p.Get("mfa_token")
	if tok == "" {
		writeAPIError(w, missingParam("mfa_token"))
		return
	}
	malformed := newAPIError(http.StatusUnauthorized, ErrCodeInvalidGrant, descMalformedMFAToken)
	if looksLikeJWT(tok) {
		writeAPIError(w, malformed)
		return
	}
	sub, clientID, terr := s.tenant.LookupMFAToken(tok)
	if terr != nil {
		writeAPIError(w, fromTenant(terr))
		return
	}
	if clientID != c.id {
		writeAPIError(w, malformed)
		return
	}
	res, terr := s.tenant.Challenge(sub, c.id, strings.Fields(p.Get("challenge_type")), p.Get("authenticator_id"))
	if terr != nil {
		writeAPIError(w, fromTenant(terr))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ChallengeType string `json:"challenge_type"`
		OOBCode       string `json:"oob_code,omitempty"`
		BindingMethod string `json:"binding_method,omitempty"`
	}{res.ChallengeType, res.OOBCode, res.BindingMethod})
}
