package auth0test

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// Direct access to the tenant's state, bypassing HTTP (miniredis style).

func userFromTenant(u tenant.User) User {
	return User{ID: u.ID, Email: u.Email, Password: u.Password, Name: u.Name, EmailVerified: u.EmailVerified, Connection: u.Connection}
}

// AddUser adds a user to the database connection (or to u.Connection) and
// returns it with its ID filled in ("auth0|" or "{Connection}|", then 24 hex
// characters, when empty).
func (s *Server) AddUser(u User) (User, error) {
	if u.ID == "" {
		u.ID = cmp.Or(u.Connection, "auth0") + "|" + s.randomString("0123456789abcdef", 24)
	}
	err := s.tenant.AddUser(tenant.User{ID: u.ID, Email: u.Email, Password: u.Password, Name: u.Name, EmailVerified: u.EmailVerified, Connection: u.Connection})
	if err != nil {
		return User{}, fmt.Errorf("auth0test: adding user: %w", err)
	}
	s.mu.Lock()
	s.userIDs = append(s.userIDs, u.ID)
	s.mu.Unlock()
	return u, nil
}

// User returns the user with this id (sub).
func (s *Server) User(sub string) (User, bool) {
	u, ok := s.tenant.User(sub)
	if !ok {
		return User{}, false
	}
	return userFromTenant(u), true
}

// UserByEmail returns the user with this email.
func (s *Server) UserByEmail(email string) (User, bool) {
	u, ok := s.tenant.UserByEmail(email)
	if !ok {
		return User{}, false
	}
	return userFromTenant(u), true
}

// Users returns the users added through this Server, in order.
func (s *Server) Users() []User {
	s.mu.Lock()
	ids := slices.Clone(s.userIDs)
	s.mu.Unlock()
	var out []User
	for _, id := range ids {
		if u, ok := s.User(id); ok {
			out = append(out, u)
		}
	}
	return out
}

// Authenticators returns what GET /mfa/authenticators would list for sub.
func (s *Server) Authenticators(sub string) []Authenticator {
	var out []Authenticator
	for _, a := range s.tenant.List(sub) {
		out = append(out, authenticatorFromTenant(a))
	}
	return out
}

// SeedAuthenticator gives sub an active authenticator of this kind, as if
// enrolled and confirmed.
func (s *Server) SeedAuthenticator(sub string, kind Factor, opts SeedOptions) (Authenticator, error) {
	a, err := s.tenant.SeedAuthenticator(sub, tenant.Factor(kind), tenant.SeedOptions(opts))
	if err != nil {
		return Authenticator{}, fmt.Errorf("auth0test: seeding authenticator: %w", err)
	}
	return authenticatorFromTenant(a), nil
}

// TOTPCode returns the current code of a TOTP authenticator (active or
// pending) at the server's clock.
func (s *Server) TOTPCode(authenticatorID string) (string, error) {
	c, err := s.tenant.TOTPCode(authenticatorID)
	if err != nil {
		return "", fmt.Errorf("auth0test: TOTP code: %w", err)
	}
	return c, nil
}

// TOTPSecret returns the secret of a TOTP authenticator.
func (s *Server) TOTPSecret(authenticatorID string) (string, bool) {
	return s.tenant.TOTPSecret(authenticatorID)
}

// Outbox returns every SMS, voice and email message delivered, oldest first.
func (s *Server) Outbox() []Message {
	var out []Message
	for _, m := range s.tenant.Outbox() {
		out = append(out, Message{To: m.To, Channel: m.Channel, Code: m.Code, UserID: m.UserID, SentAt: m.SentAt})
	}
	return out
}

// LastCode returns the newest code delivered to a phone number or email.
func (s *Server) LastCode(to string) (string, bool) { return s.tenant.LastCode(to) }

// PendingPushes returns sub's push notifications waiting for a decision.
func (s *Server) PendingPushes(sub string) []PushRequest {
	var out []PushRequest
	for _, p := range s.tenant.PendingPushes(sub) {
		out = append(out, PushRequest{ID: p.ID, UserID: p.UserID, Enrollment: p.Enrollment, CreatedAt: p.CreatedAt, State: p.State})
	}
	return out
}

// ApprovePush approves a pending push as the user's Guardian app would.
func (s *Server) ApprovePush(id string) error {
	if err := s.tenant.ApprovePush(id); err != nil {
		return fmt.Errorf("auth0test: approving push: %w", err)
	}
	return nil
}

// RejectPush rejects a pending push.
func (s *Server) RejectPush(id string) error {
	if err := s.tenant.RejectPush(id); err != nil {
		return fmt.Errorf("auth0test: rejecting push: %w", err)
	}
	return nil
}

// Settings returns the tenant's MFA settings.
func (s *Server) Settings() Settings { return settingsFromTenant(s.tenant.Settings()) }

// SetSettings replaces the tenant's MFA settings; authenticators stay.
func (s *Server) SetSettings(st Settings) {
	if st.FriendlyName == "" {
		st.FriendlyName = s.tenantName
	}
	s.tenant.SetSettings(st.toTenant(s.guardianURL()))
}

// IssueMFAToken returns an opaque mfa_token for sub and clientID, as an
// mfa_required answer would carry (the MFA grants then issue tokens with no
// audience).
func (s *Server) IssueMFAToken(sub, clientID string) string {
	return s.tenant.IssueMFAToken(sub, clientID)
}

func (s *Server) clientLocked(id string) (*client, error) {
	c := s.clients[id]
	if c == nil {
		return nil, fmt.Errorf("auth0test: unknown client %q", id)
	}
	return c, nil
}

// SetMFAGrantEnabled turns the three MFA grants of clientID on or off
// together, as the dashboard's "MFA" grant checkbox does.
func (s *Server) SetMFAGrantEnabled(clientID string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clientLocked(clientID)
	if err != nil {
		return err
	}
	for _, g := range MFAGrantTypes() {
		c.grants[g] = enabled
	}
	return nil
}

// SetGrantTypes sets exactly which grant types clientID may use.
func (s *Server) SetGrantTypes(clientID string, grants ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clientLocked(clientID)
	if err != nil {
		return err
	}
	c.grants = map[string]bool{}
	for _, g := range grants {
		c.grants[g] = true
	}
	return nil
}

// AddRedirectURI registers an allowed callback URL of clientID (a host
// test learns its callback's port only after starting its server).
func (s *Server) AddRedirectURI(clientID, uri string) error {
	if err := validRedirectURI(uri); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clientLocked(clientID)
	if err != nil {
		return err
	}
	if !slices.Contains(c.redirectURIs, uri) {
		c.redirectURIs = append(c.redirectURIs, uri)
	}
	return nil
}

// AddLogoutURL adds an allowed logout URL (returnTo) of clientID. Once a
// client has one, the default (its redirect URIs' origins) no longer
// applies.
func (s *Server) AddLogoutURL(clientID, uri string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clientLocked(clientID)
	if err != nil {
		return err
	}
	c.logoutURLs = append(c.logoutURLs, uri)
	c.logoutSet = true
	return nil
}

func validRedirectURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("auth0test: redirect URI %q must be an absolute http(s) URL without fragment", uri)
	}
	return nil
}

// QueueLogin makes the next interactive /authorize (not prompt=none) log in
// as sub without the password form, like mockoidc's QueueUser. The MFA
// rules still apply: a user with a factor meets the challenge page when an
// MFA audience is requested.
func (s *Server) QueueLogin(sub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loginQueue = append(s.loginQueue, sub)
}

// PassNextChallenge answers sub's next Universal Login MFA challenge as the user would with
// one of their factors, without the challenge page: the login completes, its ID token carries
// amr ["mfa"], and the SSO session counts as having done MFA. It applies only where the page
// would challenge (sub has an active factor and MFA is due: a login that asks for an MFA
// audience always is), not to the enrollment page of a user without factors. Each call passes
// one challenge; combine it with QueueLogin to skip the password form too.
func (s *Server) PassNextChallenge(sub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.challengePasses == nil {
		s.challengePasses = map[string]int{}
	}
	s.challengePasses[sub]++
}

// takeChallengePass uses up one PassNextChallenge of sub, if any.
func (s *Server) takeChallengePass(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.challengePasses[sub] == 0 {
		return false
	}
	s.challengePasses[sub]--
	return true
}

// RevokeSSO ends every SSO session of sub.
func (s *Server) RevokeSSO(sub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ss := range s.sessions {
		if ss.sub == sub {
			delete(s.sessions, id)
		}
	}
}
