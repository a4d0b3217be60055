package tenant

import (
	"fmt"
	"slices"
)

// Opaque mfa_tokens, the outbox of sent codes and the Guardian push requests.

// IssueMFAToken returns a new opaque mfa_token (Fe26.2-looking) for the user
// and client, valid for 10 minutes.
func (t *Tenant) IssueMFAToken(userID, clientID string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.forget(now)
	expires := now.Add(mfaTokenTTL)
	tok := t.newSealed(expires)
	t.mfaTokens[sealedKey(tok)] = &mfaTokenRecord{userID: userID, clientID: clientID, expires: expires}
	return tok
}

// LookupMFAToken returns the user and client of an opaque mfa_token: 401
// invalid_grant "Malformed mfa_token" when unknown, 401 expired_token
// "mfa_token is expired" when expired.
func (t *Tenant) LookupMFAToken(tok string) (userID, clientID string, err *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := t.mfaTokens[sealedKey(tok)]
	if rec == nil {
		return "", "", errMalformedMFAToken()
	}
	if !t.now().Before(rec.expires) {
		return "", "", errMFATokenExpired()
	}
	return rec.userID, rec.clientID, nil
}

// Outbox returns every message sent so far, oldest first.
func (t *Tenant) Outbox() []Message {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.outbox)
}

// LastCode returns the code of the last message sent to to (a full phone
// number or email address).
func (t *Tenant) LastCode(to string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.outbox) - 1; i >= 0; i-- {
		if t.outbox[i].To == to {
			return t.outbox[i].Code, true
		}
	}
	return "", false
}

// PendingPushes returns the push requests awaiting a decision and not
// expired, oldest first, for userID (every user's when userID is empty).
func (t *Tenant) PendingPushes(userID string) []PushRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	out := []PushRequest{}
	for _, id := range t.pushOrder {
		p := t.pushes[id]
		if p.req.State == PushPending && now.Before(p.expires) && (userID == "" || p.req.UserID == userID) {
			out = append(out, p.req)
		}
	}
	return out
}

// ApprovePush approves a pending push request, as the Guardian app would.
// Approving an enrollment's push activates the push authenticator, its totp
// and the pending recovery code at once; the client's next poll gets tokens.
func (t *Tenant) ApprovePush(id string) error { return t.decidePush(id, PushApproved) }

// RejectPush rejects a pending push request, as the Guardian app would.
func (t *Tenant) RejectPush(id string) error { return t.decidePush(id, PushRejected) }

func (t *Tenant) decidePush(id, state string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pushes[id]
	if p == nil {
		return fmt.Errorf("tenant: push request %s: %w", id, ErrNotFound)
	}
	if p.req.State != PushPending || !t.now().Before(p.expires) {
		return fmt.Errorf("tenant: push request %s: %w", id, ErrNotPending)
	}
	p.req.State = state
	if state == PushApproved && p.req.Enrollment {
		// Enrollment completes when the Guardian app approves, not when the
		// client polls: "Once that is done, the Guardian application will
		// notify Auth0 that the user enrolled successfully. To know if that
		// happened, poll …" (docs-v2 enroll-and-challenge-push-authenticators.mdx).
		if st := t.user(p.req.UserID, t.now()); st != nil {
			if a := st.find(p.authID); a != nil && !a.active {
				st.activate(a.group)
			}
		}
	}
	return nil
}
