package mfaapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
)

// ClientAuthenticator authenticates the application at the endpoints that require client
// authentication: /oauth/token (every grant) and /mfa/challenge. It adds its parameters to
// the request's form values; the Client sends /oauth/token form-encoded and /mfa/challenge
// as a JSON object of the same (single-valued) members.
//
// This package implements client_secret_post (WithClientSecret) and public clients
// (WithPublicClient). It does not implement private-key JWT; the interface leaves room for
// one: AuthenticateClient would set client_id, client_assertion_type
// ("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") and client_assertion, a JWT
// signed for the audience https://{domain}/ (derive it from endpoint).
//
// /mfa/associate, GET and DELETE /mfa/authenticators are authenticated by the bearer token
// alone and never call AuthenticateClient.
type ClientAuthenticator interface {
	// ClientID returns the application's client id. It must not be empty.
	ClientID() string
	// AuthenticateClient adds the client authentication parameters to form, the body about to
	// be sent to endpoint (the absolute URL, e.g. "https://tenant.eu.auth0.com/oauth/token").
	// It must not remove or change the other members.
	AuthenticateClient(ctx context.Context, endpoint string, form url.Values) error
}

// clientSecretPost is client_secret_post: client_id and client_secret in the body.
type clientSecretPost struct{ id, secret string }

func (a clientSecretPost) ClientID() string { return a.id }

func (a clientSecretPost) AuthenticateClient(_ context.Context, _ string, form url.Values) error {
	form.Set("client_id", a.id)
	form.Set("client_secret", a.secret)
	return nil
}

func (a clientSecretPost) String() string {
	return fmt.Sprintf("client_secret_post{client_id:%s client_secret:%s}", a.id, redact(a.secret))
}
func (a clientSecretPost) GoString() string {
	return fmt.Sprintf("mfaapi.clientSecretPost{id:%q, secret:%q}", a.id, redact(a.secret))
}
func (a clientSecretPost) Format(f fmt.State, verb rune) {
	formatValue(f, verb, a.String(), a.GoString())
}
func (a clientSecretPost) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", a.id), slog.String("client_secret", redact(a.secret)))
}

// publicClient sends client_id alone.
type publicClient struct{ id string }

func (a publicClient) ClientID() string { return a.id }

func (a publicClient) AuthenticateClient(_ context.Context, _ string, form url.Values) error {
	form.Set("client_id", a.id)
	return nil
}
