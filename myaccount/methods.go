package myaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// maxNameBytes bounds a friendly name sent to UpdateMethod (far above any real one).
const maxNameBytes = 1 << 10

// Methods lists the user's authentication methods (GET /authentication-methods), confirmed and
// pending alike (Method.Confirmed). filter, when not empty, is sent as ?type= and lists only
// that type (Auth0 counts such calls against a separate, higher "filtered read" limit).
// accessToken needs read:me:authentication_methods.
func (c *Client) Methods(ctx context.Context, accessToken string, filter Type) ([]Method, error) {
	if err := checkParam(OpMethods, "access token", accessToken); err != nil {
		return nil, err
	}
	r := request{op: OpMethods, method: http.MethodGet, path: pathMethods, bearer: accessToken}
	if filter != "" {
		if !validTypeFilter(filter) {
			return nil, fmt.Errorf("%w: Methods: filter must be a type name such as %q", ErrInvalidInput, string(TypeTOTP))
		}
		r.query = url.Values{"type": {string(filter)}}
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	var w struct {
		Methods *[]Method `json:"authentication_methods"`
	}
	if err := decode(r, resp, &w); err != nil {
		return nil, err
	}
	if w.Methods == nil {
		return nil, malformed(r, "no authentication_methods member")
	}
	if *w.Methods == nil {
		return []Method{}, nil
	}
	return *w.Methods, nil
}

// Method returns one method (GET /authentication-methods/{id}). id is Method.ID as listed
// ("totp|dev_…"); it is path-escaped on the wire (totp%7Cdev_…). accessToken needs
// read:me:authentication_methods. An unknown id is IsNotFound.
func (c *Client) Method(ctx context.Context, accessToken, id string) (*Method, error) {
	r, err := methodRequest(OpMethod, http.MethodGet, accessToken, id)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeMethod(r, resp)
}

// MethodUpdate is what UpdateMethod changes; nil members stay as they are, and only the set
// ones are sent (the OAS sets additionalProperties false).
type MethodUpdate struct {
	Name             *string       // the friendly name (totp, push, phone, email, webauthn-*)
	PreferredChannel *PhoneChannel // phone only: sms or voice
}

// UpdateMethod renames a method or changes a phone's preferred channel (PATCH
// /authentication-methods/{id}) and returns the updated method. id is Method.ID. accessToken
// needs update:me:authentication_methods.
func (c *Client) UpdateMethod(ctx context.Context, accessToken, id string, u MethodUpdate) (*Method, error) {
	r, err := methodRequest(OpUpdateMethod, http.MethodPatch, accessToken, id)
	if err != nil {
		return nil, err
	}
	var body struct {
		Name             *string       `json:"name,omitempty"`
		PreferredChannel *PhoneChannel `json:"preferred_authentication_method,omitempty"`
	}
	if u.Name == nil && u.PreferredChannel == nil {
		return nil, fmt.Errorf("%w: UpdateMethod: nothing to change", ErrInvalidInput)
	}
	if u.Name != nil {
		if len(*u.Name) > maxNameBytes || strings.ContainsFunc(*u.Name, unicode.IsControl) {
			return nil, fmt.Errorf("%w: UpdateMethod: name too long or with control characters", ErrInvalidInput)
		}
		body.Name = u.Name
	}
	if u.PreferredChannel != nil {
		if !u.PreferredChannel.Valid() {
			return nil, fmt.Errorf("%w: UpdateMethod: preferred channel must be sms or voice", ErrInvalidInput)
		}
		body.PreferredChannel = u.PreferredChannel
	}
	r.body = body
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeMethod(r, resp)
}

// DeleteMethod deletes a method (DELETE /authentication-methods/{id}, 204). id is Method.ID.
// accessToken needs delete:me:authentication_methods. Auth0 may answer 409 (IsConflict), for a
// reason it does not document.
func (c *Client) DeleteMethod(ctx context.Context, accessToken, id string) error {
	r, err := methodRequest(OpDeleteMethod, http.MethodDelete, accessToken, id)
	if err != nil {
		return err
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	// Auth0 answers 204. A 2xx with a body that is neither empty nor JSON (a proxy's page) is
	// not proof that the method is gone.
	if b := bytes.TrimSpace(resp.body); resp.status != http.StatusNoContent && len(b) > 0 && !json.Valid(b) {
		return malformed(r, fmt.Sprintf("%d with a body that is not JSON", resp.status))
	}
	return nil
}

// Factors lists the factors the tenant enables and the user may enroll (GET /factors, Early
// Access). accessToken needs read:me:factors.
func (c *Client) Factors(ctx context.Context, accessToken string) ([]Factor, error) {
	if err := checkParam(OpFactors, "access token", accessToken); err != nil {
		return nil, err
	}
	r := request{op: OpFactors, method: http.MethodGet, path: "/factors", bearer: accessToken}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	var w struct {
		Factors *[]Factor `json:"factors"`
	}
	if err := decode(r, resp, &w); err != nil {
		return nil, err
	}
	if w.Factors == nil {
		return nil, malformed(r, "no factors member")
	}
	out := make([]Factor, 0, len(*w.Factors))
	for _, f := range *w.Factors {
		if f.Type != "" {
			out = append(out, f)
		}
	}
	return out, nil
}

// methodRequest checks the token and a Method.ID and builds the request for one method's path.
func methodRequest(op Op, method, accessToken, id string) (request, error) {
	if err := checkParam(op, "access token", accessToken); err != nil {
		return request{}, err
	}
	if err := checkParam(op, "method id", id); err != nil {
		return request{}, err
	}
	if id == "." || id == ".." {
		return request{}, fmt.Errorf("%w: %s: invalid method id", ErrInvalidInput, op)
	}
	return request{
		op: op, method: method, bearer: accessToken,
		path:    pathMethods + "/" + id,
		rawPath: pathMethods + "/" + url.PathEscape(id),
	}, nil
}
