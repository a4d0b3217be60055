package mfaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// Grant types of /oauth/token.
const (
	GrantMFAOTP          = "http://auth0.com/oauth/grant-type/mfa-otp"
	GrantMFAOOB          = "http://auth0.com/oauth/grant-type/mfa-oob"
	GrantMFARecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
	GrantPassword        = "password"
	GrantPasswordRealm   = "http://auth0.com/oauth/grant-type/password-realm"
)

// maxParamBytes bounds every caller-supplied token, code or id: far above any real value,
// far below anything that should be sent.
const maxParamBytes = 16 << 10

// checkParam refuses empty values, values with white space or control characters (a
// header-injection or copy-paste accident) and absurdly long ones. what names the parameter,
// never its value.
func checkParam(op, what, v string) error {
	if p := wire.CheckParam(v, maxParamBytes); p != wire.ParamOK {
		return fmt.Errorf("%w: %s: %s", ErrInvalidInput, op, p.Describe(what))
	}
	return nil
}

// Authenticators lists the user's authenticators (GET /mfa/authenticators), active and
// pending, including the implicit verified-email authenticator. accessToken is an /mfa/
// access token with read:authenticators, or an opaque mfa_token.
func (c *Client) Authenticators(ctx context.Context, accessToken string) ([]Authenticator, error) {
	if err := checkParam("Authenticators", "access token", accessToken); err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, request{method: http.MethodGet, path: pathAuthenticators, bearer: accessToken})
	if err != nil {
		return nil, err
	}
	var wires []authenticatorWire
	if err := c.decode(http.MethodGet, pathAuthenticators, resp, &wires); err != nil {
		return nil, err
	}
	list := make([]Authenticator, len(wires))
	for i := range wires {
		list[i] = wires[i].authenticator()
	}
	return list, nil
}

// Associate starts an enrollment (POST /mfa/associate). accessToken is an /mfa/ access token
// with the enroll scope (or, for a user with no active factor, an opaque mfa_token). Confirm
// the enrollment with VerifyOTP (otp) or VerifyOOB (oob) passing the same token as mfa_token.
//
// The body carries client_id when the Client has one configured, never the client secret.
func (c *Client) Associate(ctx context.Context, accessToken string, req AssociateRequest) (*Association, error) {
	if err := checkParam("Associate", "access token", accessToken); err != nil {
		return nil, err
	}
	body, err := req.body(c.ClientID())
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, request{method: http.MethodPost, path: pathAssociate, bearer: accessToken, json: body})
	if err != nil {
		return nil, err
	}
	var w associationWire
	if err := c.decode(http.MethodPost, pathAssociate, resp, &w); err != nil {
		return nil, err
	}
	malformed := func(why string) error {
		return fmt.Errorf("mfaapi: POST %s: %w: %s", pathAssociate, ErrMalformedResponse, why)
	}
	switch w.AuthenticatorType {
	case "otp":
		if w.Secret == "" && w.BarcodeURI == "" {
			return nil, malformed("otp association without secret or barcode_uri")
		}
	case "oob":
		if w.OOBCode == "" {
			return nil, malformed("oob association without oob_code")
		}
	default:
		return nil, malformed("unexpected authenticator_type")
	}
	return &Association{
		AuthenticatorType: w.AuthenticatorType,
		Secret:            w.Secret,
		BarcodeURI:        w.BarcodeURI,
		OOBChannel:        w.OOBChannel,
		OOBCode:           w.OOBCode,
		BindingMethod:     w.BindingMethod,
		RecoveryCodes:     w.RecoveryCodes,
	}, nil
}

// DeleteAuthenticator deletes one authenticator (DELETE /mfa/authenticators/{id}). accessToken
// must be an /mfa/ access token with remove:authenticators; an opaque mfa_token is refused.
// Auth0 deletes the pair with it (SMS and voice; push and its OTP). Pending authenticators can
// be deleted; recovery codes and verified emails cannot (IsNotDeletable).
//
// The id is path-escaped: "totp|dev_x" goes on the wire as /mfa/authenticators/totp%7Cdev_x.
func (c *Client) DeleteAuthenticator(ctx context.Context, accessToken, id string) error {
	if err := checkParam("DeleteAuthenticator", "access token", accessToken); err != nil {
		return err
	}
	if err := checkParam("DeleteAuthenticator", "authenticator id", id); err != nil {
		return err
	}
	if id == "." || id == ".." {
		return fmt.Errorf("%w: DeleteAuthenticator: invalid authenticator id", ErrInvalidInput)
	}
	r := request{
		method:  http.MethodDelete,
		path:    pathAuthenticators + "/" + id,
		rawPath: pathAuthenticators + "/" + url.PathEscape(id),
		bearer:  accessToken,
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	// Auth0 answers 204 with an empty body. A 2xx announcing JSON whose body is broken (a
	// truncated answer) or an HTML page is not proof that the authenticator is gone.
	body := bytes.TrimSpace(resp.body)
	ct := strings.ToLower(resp.header.Get("Content-Type"))
	if resp.status != http.StatusNoContent && len(body) > 0 &&
		((strings.Contains(ct, "json") && !json.Valid(body)) || strings.Contains(ct, "html")) {
		return fmt.Errorf("%w: DELETE %s answered %d with a body that is not JSON", ErrMalformedResponse, pathAuthenticators, resp.status)
	}
	return nil
}

// Challenge asks Auth0 to challenge the user of an mfa_required answer (POST /mfa/challenge):
// for oob it sends the SMS, voice call, email or push. The body is JSON and carries the client
// authentication. Self-service enrollment does not use it.
func (c *Client) Challenge(ctx context.Context, req ChallengeRequest) (*Challenge, error) {
	if err := checkParam("Challenge", "mfa token", req.MFAToken); err != nil {
		return nil, err
	}
	form := url.Values{"mfa_token": {req.MFAToken}}
	if len(req.ChallengeTypes) > 0 {
		for _, t := range req.ChallengeTypes {
			if t != "otp" && t != "oob" {
				return nil, fmt.Errorf("%w: Challenge: challenge type must be otp or oob", ErrInvalidInput)
			}
		}
		form.Set("challenge_type", strings.Join(req.ChallengeTypes, " "))
	}
	if req.AuthenticatorID != "" {
		if err := checkParam("Challenge", "authenticator id", req.AuthenticatorID); err != nil {
			return nil, err
		}
		form.Set("authenticator_id", req.AuthenticatorID)
	}
	if err := c.authenticate(ctx, "Challenge", pathChallenge, form); err != nil {
		return nil, err
	}
	body := make(map[string]string, len(form))
	for k := range form {
		body[k] = form.Get(k)
	}
	resp, err := c.send(ctx, request{method: http.MethodPost, path: pathChallenge, json: body})
	if err != nil {
		return nil, err
	}
	var w struct {
		ChallengeType string `json:"challenge_type"`
		OOBCode       string `json:"oob_code"`
		BindingMethod string `json:"binding_method"`
	}
	if err := c.decode(http.MethodPost, pathChallenge, resp, &w); err != nil {
		return nil, err
	}
	if w.ChallengeType == "" || (w.ChallengeType == "oob" && w.OOBCode == "") {
		return nil, fmt.Errorf("mfaapi: POST %s: %w: missing challenge_type or oob_code", pathChallenge, ErrMalformedResponse)
	}
	return &Challenge{ChallengeType: w.ChallengeType, OOBCode: w.OOBCode, BindingMethod: w.BindingMethod}, nil
}

// VerifyOTP confirms an OTP enrollment or answers an OTP challenge (grant mfa-otp). mfaToken
// is the /mfa/ access token used to associate, or the opaque mfa_token of a challenge. otp is
// the bare code: codes with white space are refused before sending, so strip what users type
// ("123 456") first. The same holds for binding and recovery codes.
func (c *Client) VerifyOTP(ctx context.Context, mfaToken, otp string) (*Token, error) {
	if err := checkParam("VerifyOTP", "mfa token", mfaToken); err != nil {
		return nil, err
	}
	if err := checkParam("VerifyOTP", "otp", otp); err != nil {
		return nil, err
	}
	return c.token(ctx, "VerifyOTP", url.Values{
		"grant_type": {GrantMFAOTP},
		"mfa_token":  {mfaToken},
		"otp":        {otp},
	})
}

// VerifyOOB confirms an SMS, voice, email or push enrollment, or answers such a challenge
// (grant mfa-oob). For SMS, voice and email pass the code the user received as bindingCode.
// For push pass "" and poll: IsAuthorizationPending and IsSlowDown mean ask again later (no
// faster than every 5 seconds; the Client never polls or retries by itself), IsRejected means
// stop.
func (c *Client) VerifyOOB(ctx context.Context, mfaToken, oobCode, bindingCode string) (*Token, error) {
	if err := checkParam("VerifyOOB", "mfa token", mfaToken); err != nil {
		return nil, err
	}
	if err := checkParam("VerifyOOB", "oob code", oobCode); err != nil {
		return nil, err
	}
	form := url.Values{
		"grant_type": {GrantMFAOOB},
		"mfa_token":  {mfaToken},
		"oob_code":   {oobCode},
	}
	if bindingCode != "" {
		if err := checkParam("VerifyOOB", "binding code", bindingCode); err != nil {
			return nil, err
		}
		form.Set("binding_code", bindingCode)
	}
	return c.token(ctx, "VerifyOOB", form)
}

// VerifyRecoveryCode answers a challenge with a recovery code (grant mfa-recovery-code).
// Token.RecoveryCode is the replacement code: show it to the user once.
func (c *Client) VerifyRecoveryCode(ctx context.Context, mfaToken, code string) (*Token, error) {
	if err := checkParam("VerifyRecoveryCode", "mfa token", mfaToken); err != nil {
		return nil, err
	}
	if err := checkParam("VerifyRecoveryCode", "recovery code", code); err != nil {
		return nil, err
	}
	return c.token(ctx, "VerifyRecoveryCode", url.Values{
		"grant_type":    {GrantMFARecoveryCode},
		"mfa_token":     {mfaToken},
		"recovery_code": {code},
	})
}

// LoginPassword logs a user in with username and password (grant password, or password-realm
// when req.Realm is set). When MFA applies Auth0 answers 403 mfa_required: the error is an
// *Error for which IsMFARequired is true and whose MFAToken is the opaque mfa_token to pass to
// Challenge and the Verify methods.
func (c *Client) LoginPassword(ctx context.Context, req PasswordRequest) (*Token, error) {
	if req.Username == "" || req.Password == "" {
		return nil, fmt.Errorf("%w: LoginPassword: empty username or password", ErrInvalidInput)
	}
	form := url.Values{
		"grant_type": {GrantPassword},
		"username":   {req.Username},
		"password":   {req.Password},
	}
	if req.Realm != "" {
		form.Set("grant_type", GrantPasswordRealm)
		form.Set("realm", req.Realm)
	}
	if req.Audience != "" {
		form.Set("audience", req.Audience)
	}
	if req.Scope != "" {
		form.Set("scope", req.Scope)
	}
	return c.token(ctx, "LoginPassword", form)
}

func (c *Client) authenticate(ctx context.Context, op, path string, form url.Values) error {
	if c.auth == nil {
		return fmt.Errorf("%w (%s)", ErrNoClientAuth, op)
	}
	if ctx == nil {
		return fmt.Errorf("%w: %s: nil context", ErrInvalidInput, op)
	}
	u := *c.base
	u.Path = path
	if err := c.auth.AuthenticateClient(ctx, u.String(), form); err != nil {
		return fmt.Errorf("mfaapi: %s: client authentication: %w", op, err)
	}
	return nil
}

// token posts form (plus client authentication) to /oauth/token, form-encoded. It is never
// retried: a code may have been consumed even when the answer was lost.
func (c *Client) token(ctx context.Context, op string, form url.Values) (*Token, error) {
	if err := c.authenticate(ctx, op, pathToken, form); err != nil {
		return nil, err
	}
	sent := c.now()
	resp, err := c.send(ctx, request{method: http.MethodPost, path: pathToken, form: form})
	if err != nil {
		return nil, err
	}
	var w tokenWire
	if err := c.decode(http.MethodPost, pathToken, resp, &w); err != nil {
		return nil, err
	}
	if w.AccessToken == "" {
		return nil, fmt.Errorf("mfaapi: POST %s: %w: no access_token", pathToken, ErrMalformedResponse)
	}
	t := &Token{
		AccessToken:  w.AccessToken,
		IDToken:      w.IDToken,
		RefreshToken: w.RefreshToken,
		TokenType:    w.TokenType,
		Scope:        w.Scope,
		ExpiresIn:    expiresIn(w.ExpiresIn),
		RecoveryCode: w.RecoveryCode,
	}
	if t.ExpiresIn > 0 {
		t.Expiry = sent.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return t, nil
}
