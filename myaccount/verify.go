package myaccount

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// maxAuthnResponseBytes bounds a passkey attestation sent to Verify; the OAS caps its parts at
// a few kilobytes.
const maxAuthnResponseBytes = 64 << 10

// VerifyRequest confirms an enrollment (POST /authentication-methods/{ID}/verify). Start from
// Enrollment.Verification, which sets ID and AuthSession, then add what the type needs:
//
//   - TOTP, phone, email: OTPCode, the code the user typed (digits only: strip spaces first);
//   - push: nothing (Auth0 completes the enrollment once the user approves in Guardian; until
//     then Verify fails);
//   - recovery code: nothing (after the user has saved the code);
//   - passkey: AuthnResponse, the JSON of the PublicKeyCredential that
//     navigator.credentials.create returned ({id, rawId, type, response:{clientDataJSON,
//     attestationObject}, …}), sent as is.
//
// AuthSession and OTPCode are secrets: String, GoString, Format and LogValue redact them.
type VerifyRequest struct {
	// ID is Enrollment.VerifyID: the Location segment, percent-encoded as sent, used as given.
	// (Method.ID, which is decoded, is for Method, UpdateMethod and DeleteMethod.)
	ID            string
	AuthSession   string          // secret
	OTPCode       string          // secret
	AuthnResponse json.RawMessage // passkey only
}

type verifyBody struct {
	AuthSession   string          `json:"auth_session"`
	OTPCode       string          `json:"otp_code,omitempty"`
	AuthnResponse json.RawMessage `json:"authn_response,omitempty"`
}

func (r VerifyRequest) fields() []wire.Field {
	authn := ""
	if len(r.AuthnResponse) > 0 {
		authn = "[" + strconv.Itoa(len(r.AuthnResponse)) + " bytes]"
	}
	return []wire.Field{
		{Name: "ID", Key: "id", Val: r.ID},
		{Name: "AuthSession", Key: "auth_session", Val: wire.Redact(r.AuthSession)},
		{Name: "OTPCode", Key: "otp_code", Val: wire.Redact(r.OTPCode)},
		{Name: "AuthnResponse", Key: "authn_response", Val: authn},
	}
}

// String describes r with its secrets redacted.
func (r VerifyRequest) String() string { return wire.ViewString("myaccount.VerifyRequest", r.fields()) }

// GoString is String in Go syntax.
func (r VerifyRequest) GoString() string {
	return wire.ViewGoString("myaccount.VerifyRequest", r.fields())
}

// Format makes every fmt verb redact the secrets.
func (r VerifyRequest) Format(f fmt.State, verb rune) {
	wire.FormatValue(f, verb, r.String(), r.GoString())
}

// LogValue implements slog.LogValuer with the secrets redacted.
func (r VerifyRequest) LogValue() slog.Value { return wire.ViewLog(r.fields()) }

// Verify confirms an enrollment (201) and returns the confirmed method. accessToken needs
// create:me:authentication_methods. Verify is never retried: a lost answer may have consumed
// the code. A wrong code is IsInvalidCode.
func (c *Client) Verify(ctx context.Context, accessToken string, req VerifyRequest) (*Method, error) {
	if err := checkParam(OpVerify, "access token", accessToken); err != nil {
		return nil, err
	}
	if why := segmentProblem(req.ID); why != "" {
		return nil, fmt.Errorf("%w: Verify: ID must be Enrollment.VerifyID (percent-encoded as in Location): %s", ErrInvalidInput, why)
	}
	id, _ := url.PathUnescape(req.ID) // segmentProblem accepted its escapes
	if err := checkParam(OpVerify, "auth session", req.AuthSession); err != nil {
		return nil, err
	}
	body := verifyBody{AuthSession: req.AuthSession}
	switch {
	case req.OTPCode != "" && len(req.AuthnResponse) > 0:
		return nil, fmt.Errorf("%w: Verify: give OTPCode or AuthnResponse, not both", ErrInvalidInput)
	case req.OTPCode != "":
		if err := checkParam(OpVerify, "otp code", req.OTPCode); err != nil {
			return nil, err
		}
		body.OTPCode = req.OTPCode
	case len(req.AuthnResponse) > 0:
		if len(req.AuthnResponse) > maxAuthnResponseBytes || !isJSONObject(req.AuthnResponse) {
			return nil, fmt.Errorf("%w: Verify: AuthnResponse must be a JSON object of at most %d bytes", ErrInvalidInput, maxAuthnResponseBytes)
		}
		body.AuthnResponse = req.AuthnResponse
	}
	r := request{
		op: OpVerify, method: http.MethodPost,
		path:    pathMethods + "/" + id + "/verify",
		rawPath: pathMethods + "/" + req.ID + "/verify",
		bearer:  accessToken, body: body,
		secrets: []string{req.AuthSession, req.OTPCode},
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeMethod(r, resp)
}

// decodeMethod decodes a single method answer.
func decodeMethod(r request, resp *response) (*Method, error) {
	var m Method
	if err := decode(r, resp, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
