package myaccount

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/selfmfa/selfmfa/internal/phone"
	"github.com/selfmfa/selfmfa/internal/wire"
)

// pathMethods is the collection of the user's methods, below /me/v1.
const pathMethods = "/authentication-methods"

// locationFallbackToBodyID says what Enroll does when a 202 has no usable Location header.
//
// [UNK] in the reference: chosen because the OAS marks Location required and no source shows
// an answer without it, while the 202 means Auth0 already created the pending method (and may
// have sent a code). Every documented example's body id is the Location segment decoded, so the
// body id, path-escaped, is used; without either (a passkey has no body id) the answer is
// malformed. A Location that is present but not …/authentication-methods/{id} is malformed too.
const locationFallbackToBodyID = true

// EnrollRequest says what to enroll (POST /authentication-methods). It is sent with only the
// members its Type allows (the OAS sets additionalProperties false):
//
//   - TypeTOTP, TypePush, TypeRecoveryCode: nothing else;
//   - TypePhone: PhoneNumber (E.164, "+15551234567"), PreferredChannel optional;
//   - TypeEmail: Email, required;
//   - TypePasskey: Connection (a database connection name) and IdentityUserID (a linked
//     identity, "auth0|…"), both optional.
//
// String, Format and LogValue mask the phone number and the email.
type EnrollRequest struct {
	Type             Type
	PhoneNumber      string
	PreferredChannel PhoneChannel
	Email            string
	Connection       string
	IdentityUserID   string
}

// enrollBody is the JSON body, members in the OAS order.
type enrollBody struct {
	Type             Type         `json:"type"`
	PhoneNumber      string       `json:"phone_number,omitempty"`
	PreferredChannel PhoneChannel `json:"preferred_authentication_method,omitempty"`
	Email            string       `json:"email,omitempty"`
	Connection       string       `json:"connection,omitempty"`
	IdentityUserID   string       `json:"identity_user_id,omitempty"`
}

var (
	// connectionPattern and identityUserIDPattern are the OAS Connection and IdentityUserId.
	connectionPattern     = regexp.MustCompile(`^[a-zA-Z0-9-]{1,128}$`)
	identityUserIDPattern = regexp.MustCompile(`^\S{1,255}$`)
)

func (r EnrollRequest) body() (enrollBody, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: Enroll: "+format, append([]any{ErrInvalidInput}, args...)...)
	}
	if !r.Type.Enrollable() {
		return enrollBody{}, bad("type %q cannot be enrolled with this client", string(r.Type))
	}
	b := enrollBody{Type: r.Type}
	phoneSet := r.PhoneNumber != "" || r.PreferredChannel != ""
	switch {
	case phoneSet && r.Type != TypePhone:
		return b, bad("phone number or channel given for type %q", string(r.Type))
	case r.Email != "" && r.Type != TypeEmail:
		return b, bad("email given for type %q", string(r.Type))
	case (r.Connection != "" || r.IdentityUserID != "") && r.Type != TypePasskey:
		return b, bad("connection or identity user id given for type %q", string(r.Type))
	}
	switch r.Type {
	case TypePhone:
		if !phone.Valid(r.PhoneNumber) {
			return b, bad("phone number must be in E.164 format (+ and 7 to 15 digits)")
		}
		if r.PreferredChannel != "" && !r.PreferredChannel.Valid() {
			return b, bad("preferred channel must be sms or voice")
		}
		b.PhoneNumber, b.PreferredChannel = r.PhoneNumber, r.PreferredChannel
	case TypeEmail:
		if !wire.ValidEmail(r.Email) {
			return b, bad("a valid email address is required")
		}
		b.Email = r.Email
	case TypePasskey:
		if r.Connection != "" && !connectionPattern.MatchString(r.Connection) {
			return b, bad("connection must be 1 to 128 letters, digits or '-'")
		}
		if r.IdentityUserID != "" && !identityUserIDPattern.MatchString(r.IdentityUserID) {
			return b, bad("identity user id must be 1 to 255 characters without white space")
		}
		b.Connection, b.IdentityUserID = r.Connection, r.IdentityUserID
	}
	return b, nil
}

// Enrollment is the 202 answer of Enroll: a pending method and what the user needs to confirm
// it with Verify.
//
//   - TOTP: BarcodeURI (otpauth://, render it as a QR code locally) and ManualInputCode (the
//     secret, for typing);
//   - push: BarcodeURI for Guardian;
//   - phone and email: nothing more; Auth0 has sent the code;
//   - recovery code: RecoveryCode, to show once (never store it);
//   - passkey: AuthnParamsPublicKey, the PublicKeyCredentialCreationOptions for
//     navigator.credentials.create, as raw JSON; no ID.
//
// AuthSession, BarcodeURI, ManualInputCode and RecoveryCode are secrets: String, GoString,
// Format and LogValue redact them (and the size of AuthnParamsPublicKey is all they show of it).
type Enrollment struct {
	Type Type   // the requested type
	ID   string // "totp|dev_…" (body id); empty for a passkey
	// VerifyID is the method id to verify: the last segment of the Location header,
	// percent-encoded exactly as Auth0 sent it ("passkey%7Cnew"). Verify uses it as given,
	// without decoding or re-encoding, as the API reference requires.
	VerifyID             string
	Location             string          // the Location header as sent; never followed
	AuthSession          string          // secret: pass to Verify
	BarcodeURI           string          // secret
	ManualInputCode      string          // secret
	RecoveryCode         string          // secret
	AuthnParamsPublicKey json.RawMessage // passkey creation options
}

// Verification returns the VerifyRequest of this enrollment; set OTPCode or AuthnResponse
// where the type needs one.
func (e *Enrollment) Verification() VerifyRequest {
	return VerifyRequest{ID: e.VerifyID, AuthSession: e.AuthSession}
}

type enrollmentWire struct {
	ID                   string          `json:"id"`
	AuthSession          string          `json:"auth_session"`
	BarcodeURI           string          `json:"barcode_uri"`
	ManualInputCode      string          `json:"manual_input_code"`
	RecoveryCode         string          `json:"recovery_code"`
	AuthnParamsPublicKey json.RawMessage `json:"authn_params_public_key"`
}

// Enroll starts an enrollment (POST /authentication-methods, 202). accessToken needs
// create:me:authentication_methods. Confirm with Verify(ctx, accessToken, e.Verification()
// plus the code). Enroll is never retried: a lost answer may still have created the pending
// method and sent a code.
func (c *Client) Enroll(ctx context.Context, accessToken string, req EnrollRequest) (*Enrollment, error) {
	if err := checkParam(OpEnroll, "access token", accessToken); err != nil {
		return nil, err
	}
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	r := request{op: OpEnroll, method: http.MethodPost, path: pathMethods, bearer: accessToken, body: body,
		secrets: []string{req.PhoneNumber}}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	var w enrollmentWire
	if err := decode(r, resp, &w); err != nil {
		return nil, err
	}
	e := &Enrollment{Type: req.Type, ID: w.ID, AuthSession: w.AuthSession, BarcodeURI: w.BarcodeURI,
		ManualInputCode: w.ManualInputCode, RecoveryCode: w.RecoveryCode, Location: resp.header.Get("Location")}
	switch {
	case w.AuthSession == "":
		return nil, malformed(r, "no auth_session")
	case (req.Type == TypeTOTP || req.Type == TypePush) && w.BarcodeURI == "":
		return nil, malformed(r, "no barcode_uri")
	case req.Type == TypeRecoveryCode && w.RecoveryCode == "":
		return nil, malformed(r, "no recovery_code")
	case req.Type == TypePasskey && !isJSONObject(w.AuthnParamsPublicKey):
		return nil, malformed(r, "no authn_params_public_key object")
	}
	if req.Type == TypePasskey {
		e.AuthnParamsPublicKey = w.AuthnParamsPublicKey
	}
	switch id, why := verifyIDFromLocation(e.Location); {
	case why == "":
		e.VerifyID = id
	case e.Location == "" && locationFallbackToBodyID && w.ID != "" && segmentProblem(url.PathEscape(w.ID)) == "":
		e.VerifyID = url.PathEscape(w.ID)
	default:
		return nil, malformed(r, why)
	}
	return e, nil
}

// verifyIDFromLocation returns the last path segment of a Location header, still
// percent-encoded as sent, when the path ends in /authentication-methods/{segment}.
func verifyIDFromLocation(loc string) (string, string) {
	if loc == "" {
		return "", "no Location header"
	}
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil || u.Opaque != "" {
		return "", "Location header is not a URL"
	}
	segs := strings.Split(u.EscapedPath(), "/")
	if len(segs) < 2 || segs[len(segs)-2] != strings.TrimPrefix(pathMethods, "/") {
		return "", "Location header is not …/authentication-methods/{id}"
	}
	seg := segs[len(segs)-1]
	if why := segmentProblem(seg); why != "" {
		return "", "Location header id: " + why
	}
	return seg, ""
}

// segmentProblem checks an escaped path segment: RFC 3986 pchars and valid %XX escapes only,
// not "." or "..", not empty, bounded.
func segmentProblem(seg string) string {
	switch {
	case seg == "":
		return "empty"
	case seg == "." || seg == "..":
		return "a dot segment"
	case len(seg) > maxParamBytes:
		return "too long"
	}
	for i := 0; i < len(seg); i++ {
		ch := seg[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@", ch) >= 0:
		case ch == '%':
			if i+2 >= len(seg) || !isHex(seg[i+1]) || !isHex(seg[i+2]) {
				return "a broken percent escape"
			}
			i += 2
		default:
			return "a character that must be percent-encoded"
		}
	}
	return ""
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isJSONObject(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	return strings.HasPrefix(t, "{") && json.Valid(raw)
}
