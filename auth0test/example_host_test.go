package auth0test_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/pquerna/otp/totp"
	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfaapi"
)

// A host's own test against the emulated tenant: sign in with go-oidc and x/oauth2 (the
// password form skipped with QueueLogin, the MFA challenge passed with PassNextChallenge),
// enroll an authenticator app through the MFA API, expire the token with the tenant's clock,
// and inject a fault — over https, so that every client keeps its production configuration.
// In a test, start the tenant with auth0test.RunT(t, …), which closes it.
func Example_hostTest() {
	emu, err := auth0test.NewServer(
		auth0test.WithTLS(), // https, as Auth0: the clients below run with their production configuration
		auth0test.WithClient("my-app", "my-app-secret", "http://app.test/callback"),
		auth0test.WithUsers(auth0test.User{ID: "auth0|alice", Email: "alice@example.com", Password: "alice-pw"}),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()

	ctx := oidc.ClientContext(context.Background(), emu.Client())
	provider, err := oidc.NewProvider(ctx, emu.Issuer())
	if err != nil {
		log.Fatal(err)
	}
	login := oauth2.Config{
		ClientID: "my-app", ClientSecret: "my-app-secret", Endpoint: provider.Endpoint(),
		RedirectURL: "http://app.test/callback",
		// With the MFA API audience (below), the scopes of the MFA API.
		Scopes: []string{oidc.ScopeOpenID, "email", "enroll", "read:authenticators", "remove:authenticators"},
	}

	// The login asks for the MFA API audience, as a host that hands selfmfa its token does.
	emu.QueueLogin("auth0|alice")
	tok, amr := signIn(ctx, emu, &login, provider)
	fmt.Println("signed in, amr:", amr)

	// Enroll an authenticator app with that token.
	api, err := mfaapi.New(emu.Domain(), mfaapi.WithHTTPClient(emu.Client()), // Client trusts the test CA
		mfaapi.WithClientSecret("my-app", "my-app-secret"))
	if err != nil {
		log.Fatal(err)
	}
	assoc, err := api.Associate(ctx, tok.AccessToken, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
	if err != nil {
		log.Fatal(err)
	}
	code, _ := totp.GenerateCode(assoc.Secret, emu.Now()) // the user's app, at the tenant's clock
	if _, err := api.VerifyOTP(ctx, tok.AccessToken, code); err != nil {
		log.Fatal(err)
	}
	fmt.Println("recovery code shown once:", len(assoc.RecoveryCodes) == 1) // the first enrollment's
	for _, a := range emu.Authenticators("auth0|alice") {
		fmt.Println("enrolled:", a.AuthenticatorType, "active:", a.Active)
	}

	// Alice now has a factor: her next login is challenged, and PassNextChallenge answers it.
	emu.QueueLogin("auth0|alice")
	emu.PassNextChallenge("auth0|alice")
	tok, amr = signIn(ctx, emu, &login, provider)
	fmt.Println("signed in again, amr:", amr)

	// Ten minutes later the MFA API token has expired.
	emu.Advance(11 * time.Minute)
	_, err = api.Authenticators(ctx, tok.AccessToken)
	var apiErr *mfaapi.Error
	if errors.As(err, &apiErr) {
		fmt.Println("after 11 minutes:", apiErr.StatusCode, apiErr.Code)
	}

	// A fault for one request: Auth0 unavailable.
	tok, _ = signInAgain(ctx, emu, &login, provider)
	emu.InjectFault("/mfa/authenticators", auth0test.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	if _, err = api.Authenticators(ctx, tok.AccessToken); errors.As(err, &apiErr) {
		fmt.Println("with the fault:", apiErr.StatusCode)
	}
	list, err := api.Authenticators(ctx, tok.AccessToken)
	fmt.Println("after it:", len(list), "authenticators,", err)

	// Output:
	// signed in, amr: []
	// recovery code shown once: true
	// enrolled: otp active: true
	// enrolled: recovery-code active: true
	// signed in again, amr: [mfa]
	// after 11 minutes: 401 invalid_token
	// with the fault: 503
	// after it: 2 authenticators, <nil>
}

// signIn runs the authorization code flow with PKCE as a browser would, stopping at the
// host's callback, and returns the tokens and the ID token's amr claim.
func signIn(ctx context.Context, emu *auth0test.Server, conf *oauth2.Config, provider *oidc.Provider) (*oauth2.Token, []string) {
	verifier := oauth2.GenerateVerifier()
	browser := &http.Client{
		Transport: emu.Client().Transport,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Host == "app.test" {
				return http.ErrUseLastResponse // the host's callback: the test reads the code
			}
			return nil
		},
	}
	res, err := browser.Get(conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("audience", emu.MFAAudience())))
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	callback, err := url.Parse(res.Header.Get("Location"))
	if err != nil || callback.Query().Get("code") == "" {
		log.Fatalf("no code in the callback %q (status %d)", res.Header.Get("Location"), res.StatusCode)
	}
	tok, err := conf.Exchange(ctx, callback.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		log.Fatal(err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idToken, err := provider.Verifier(&oidc.Config{ClientID: conf.ClientID}).Verify(ctx, rawID)
	if err != nil {
		log.Fatal(err)
	}
	var claims struct {
		AMR []string `json:"amr"`
	}
	if err := idToken.Claims(&claims); err != nil {
		log.Fatal(err)
	}
	if claims.AMR == nil {
		claims.AMR = []string{}
	}
	return tok, claims.AMR
}

// signInAgain is a new login of a user with a factor: the challenge is passed.
func signInAgain(ctx context.Context, emu *auth0test.Server, conf *oauth2.Config, provider *oidc.Provider) (*oauth2.Token, []string) {
	emu.QueueLogin("auth0|alice")
	emu.PassNextChallenge("auth0|alice")
	return signIn(ctx, emu, conf, provider)
}
