package mfahandler

import (
	"github.com/selfmfa/selfmfa/mfahandler/internal/mfabackend"

	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// acceptToken checks the token set of a login for the MFA API (the step-up's, or the host's
// own: AdoptToken) and keeps its access token in the session: the ID token must verify, be
// for the signed-in user, carry nonce (when given), be recent (auth_time within WithMaxAge),
// and every scope must be granted. The earlier token of the session, if any, is revoked.
func (h *Handler) acceptToken(w http.ResponseWriter, r *request, tok *oauth2.Token, nonce *string) error {
	ctx := oidc.ClientContext(r.Context(), h.opts.httpClient)
	now := h.opts.now()
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return h.loginFailure(r.Request, tSignInFailed, mLoginIncomplete, errors.New("mfahandler: no id_token in the token response"))
	}
	idt, err := h.verifier.Verify(ctx, rawID)
	if err != nil {
		h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "id_token_invalid")
		return h.loginFailure(r.Request, tSignInFailed, mLoginUnverified, err)
	}
	var claims struct {
		Nonce         string   `json:"nonce"`
		AuthTime      *int64   `json:"auth_time"`
		Email         string   `json:"email"`
		EmailVerified bool     `json:"email_verified"`
		AMR           []string `json:"amr"`
	}
	if err := idt.Claims(&claims); err != nil {
		return h.loginFailure(r.Request, tSignInFailed, mLoginUnreadable, err)
	}
	if nonce != nil && subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(*nonce)) != 1 {
		h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "nonce_mismatch")
		return h.loginFailure(r.Request, tSignInFailed, mLoginMismatch, errors.New("mfahandler: nonce mismatch"))
	}
	if idt.Subject != r.sub {
		h.emit(r.Context(), r.Request, r.sub, EventSubjectMismatch, "", "step_up_subject_differs")
		h.logger().Warn("mfahandler: step-up login was for a different user; token discarded")
		_ = h.drop(w, r.Request, keyToken, keyPending)
		return h.failure(r.Request, http.StatusForbidden, tDifferentAccount, mLoginDifferent, nil).
			withNext(h.t(r.Request, lTryAgain), h.path("/login?fresh=1"))
	}
	if claims.AuthTime == nil {
		return h.loginFailure(r.Request, tSignInNotRecent, mLoginNotRecent, errors.New("mfahandler: id_token has no auth_time"))
	}
	authTime := time.Unix(*claims.AuthTime, 0)
	if now.Sub(authTime) > h.opts.maxAge+authTimeSkew {
		return h.loginFailure(r.Request, tSignInNotRecent, mLoginNotRecent, errors.New("mfahandler: auth_time older than max_age"))
	}
	if granted, _ := tok.Extra("scope").(string); granted != "" {
		// Auth0 names the granted scopes when they differ from those requested (an API whose
		// permissions or an Action dropped some): every page would fail later, so stop here.
		var missing []string
		have := strings.Fields(granted)
		for _, want := range h.oauth.Scopes {
			if want != oidc.ScopeOpenID && want != "email" && !slices.Contains(have, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "insufficient_scope")
			if h.opts.myAccount {
				return h.configProblem(r.Request, fmt.Errorf("mfahandler: the My Account API token was granted %q, without %q; "+
					"add them to the application's client grant (its API Access tab > Auth0 My Account API > User-delegated Access)", limitLen(granted, 200), missing))
			}
			return h.configProblem(r.Request, fmt.Errorf("mfahandler: the MFA API token was granted %q, without %q; "+
				"check that no Action or API setting removes the scopes enroll read:authenticators remove:authenticators", limitLen(granted, 200), missing))
		}
	}
	if err := h.requireMFAForMyAccount(r, tok.AccessToken, claims.AMR); err != nil {
		return err
	}
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 {
		life = 10 * time.Minute
	}
	// The session's earlier privileges (a token of a previous step-up) die with its old id.
	var prev tokenRecord
	if h.load(r.Request, keyToken, &prev) == nil && prev.Gen != "" {
		if err := h.svc.Ledger.Revoke(r.Context(), prev.Gen); err != nil {
			return err
		}
	}
	trec := tokenRecord{Sub: r.sub, AccessToken: tok.AccessToken, Expiry: now.Add(life), AuthTime: authTime, Obtained: now, Gen: rand.Text(),
		MFA: slices.Contains(claims.AMR, "mfa")}
	if claims.EmailVerified {
		trec.AccountEmail = mfabackend.MaskEmail(claims.Email)
	}
	return h.save(w, r.Request, keyToken, trec)
}

// StepUpScopes are the scopes a login must request for the token selfmfa needs (with the
// audience Audience()): pass both in the host's own authorization request to hand selfmfa
// the token with AdoptToken.
func (h *Handler) StepUpScopes() []string { return slices.Clone(h.oauth.Scopes) }

// AdoptToken hands selfmfa the token set of the host's own login, when that login asked for
// selfmfa's audience (Audience()) and scopes (StepUpScopes()) — for example a host that needs
// no API audience of its own. Universal Login challenges a user who has a factor during that
// login; without AdoptToken the user would be challenged again when they open the security
// page, and Auth0 refuses the code their app still shows (a code works once), so they wait for
// the next one.
//
// Call it in the host's callback after its own checks (state, nonce, PKCE) and after the
// host's session knows the user (Config.CurrentUser must return the token's subject). The
// token set is checked as the step-up's is: the ID token verifies, is for the signed-in user,
// is recent (auth_time within WithMaxAge) and every scope was granted; then the session id is
// renewed. An error says why the token was not taken: the user then meets the normal step-up.
func (h *Handler) AdoptToken(w http.ResponseWriter, r *http.Request, tok *oauth2.Token) error {
	if tok == nil {
		return errors.New("mfahandler: AdoptToken: no token")
	}
	sub, ok := h.cfg.CurrentUser(r)
	if !ok || sub == "" {
		return errors.New("mfahandler: AdoptToken: no signed-in user (Config.CurrentUser); set the host's session first")
	}
	if granted, _ := tok.Extra("scope").(string); granted == "" {
		return errors.New("mfahandler: AdoptToken: the token response names no scope; the login must request StepUpScopes()")
	}
	if err := h.tokenAudience(tok.AccessToken); err != nil {
		return fmt.Errorf("mfahandler: AdoptToken: %w", err)
	}
	req := &request{Request: r, sub: sub}
	if err := h.acceptToken(w, req, tok, nil); err != nil {
		if f, ok := err.(*Failure); ok && f.Err != nil {
			return fmt.Errorf("mfahandler: AdoptToken: %w", f.Err)
		}
		return fmt.Errorf("mfahandler: AdoptToken: %w", err)
	}
	if err := h.renewID(w, req); err != nil {
		return fmt.Errorf("mfahandler: AdoptToken: %w", err)
	}
	h.emit(r.Context(), r, sub, EventStepUp, "", "adopted")
	return nil
}

// tokenAudience checks, when the access token is a JWT (Auth0's are), that its aud names the
// audience selfmfa uses: a token of the host's own API must not be taken for the MFA API's.
// The signature is not checked here: the token came from the tenant's token endpoint to the
// host, and the API checks it on every call.
func (h *Handler) tokenAudience(at string) error {
	parts := strings.Split(at, ".")
	if len(parts) != 3 {
		return nil // opaque: the first API call tells
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("the access token is not a readable JWT")
	}
	var claims struct {
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return errors.New("the access token is not a readable JWT")
	}
	var one string
	var many []string
	if json.Unmarshal(claims.Aud, &one) == nil {
		many = []string{one}
	} else if json.Unmarshal(claims.Aud, &many) != nil {
		return errors.New("the access token has no readable aud")
	}
	if !slices.Contains(many, h.audience) {
		return fmt.Errorf("the access token is for %q, not %q: the login must request audience Audience()", many, h.audience)
	}
	return nil
}

// requireMFAForMyAccount: the My Account audience does not make Auth0 challenge, so a token for
// it proves only a password. For a user who has a method, the step-up's own ID token must say
// that a second factor was used (amr "mfa"); otherwise the token is refused and the page names
// the fix. A user without a method has nothing to challenge with and may add the first one.
func (h *Handler) requireMFAForMyAccount(r *request, accessToken string, amr []string) error {
	if !h.opts.myAccount || slices.Contains(amr, "mfa") {
		return nil
	}
	inv, err := h.svc.Backend.List(r.Context(), accessToken)
	if err != nil {
		return h.upstreamProblem(r.Request, fmt.Errorf("mfahandler: listing methods to check the step-up: %w", err))
	}
	if inv.RealFactors() == 0 {
		return nil
	}
	h.emit(r.Context(), r.Request, r.sub, EventStepUpFailed, "", "no_mfa_in_login")
	return h.configProblem(r.Request, errors.New("mfahandler: the step-up login for the My Account API did not use a second factor "+
		"(no \"mfa\" in the ID token's amr) for a user who has one; require MFA for it: enable the My Account API's "+
		"Default Policy (Require 2FA) or an Action that calls api.multifactor.enable for the audience https://{Domain}/me/"))
}
