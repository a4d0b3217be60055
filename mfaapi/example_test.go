package mfaapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/selfmfa/selfmfa/mfaapi"
)

// fakeTenant is a tiny stand-in for Auth0 (the auth0test emulator does this properly). It
// knows one user with a verified email, accepts the OTP "123456" and approves a push on the
// third poll.
type fakeTenant struct {
	mu    sync.Mutex
	polls int
	list  string
}

func (f *fakeTenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = r.ParseForm()
	fail := func(status int, code, desc string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":%q,"error_description":%q}`, code, desc)
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/mfa/authenticators":
		io.WriteString(w, f.list)
	case r.Method == "POST" && r.URL.Path == "/mfa/associate":
		body, _ := io.ReadAll(r.Body)
		if string(body) == `{"client_id":"my-client","authenticator_types":["oob"],"oob_channels":["auth0"]}` {
			io.WriteString(w, `{"authenticator_type":"oob","barcode_uri":"otpauth://totp/Example:alice?enrollment_tx_id=x","oob_channel":"auth0","oob_code":"Fe26.2*push"}`)
			return
		}
		io.WriteString(w, `{"authenticator_type":"otp","secret":"HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF","barcode_uri":"otpauth://totp/Example:alice%40example.com?secret=HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF&issuer=Example","recovery_codes":["MZCRK3YX5V3AKNNYY6JEBQCL"]}`)
	case r.Method == "DELETE":
		fmt.Println("server saw DELETE", r.RequestURI)
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/oauth/token":
		switch r.PostForm.Get("grant_type") {
		case mfaapi.GrantMFAOTP:
			if r.PostForm.Get("otp") != "123456" {
				fail(403, "invalid_grant", "Invalid otp_code.")
				return
			}
			f.list = `[{"id":"totp|dev_WzMZ2sZbUw1wbC2F","authenticator_type":"otp","active":true},` +
				`{"id":"email|dev_hdkmORJuqOmjRRQU","authenticator_type":"oob","active":true,"oob_channel":"email","name":"****@exam*******"}]`
			io.WriteString(w, `{"access_token":"eyJ.new","expires_in":600,"scope":"enroll","token_type":"Bearer"}`)
		case mfaapi.GrantMFAOOB:
			if f.polls++; f.polls < 3 {
				fail(400, "authorization_pending", "Authorization pending: please repeat the request in a few seconds.")
				return
			}
			io.WriteString(w, `{"access_token":"eyJ.push","expires_in":600,"token_type":"Bearer"}`)
		case mfaapi.GrantPasswordRealm:
			w.WriteHeader(403)
			io.WriteString(w, `{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*opaque"}`)
		}
	case r.URL.Path == "/mfa/challenge":
		io.WriteString(w, `{"challenge_type":"otp"}`)
	}
}

func newFake() (*httptest.Server, *mfaapi.Client) {
	srv := httptest.NewServer(&fakeTenant{
		list: `[{"id":"email|dev_hdkmORJuqOmjRRQU","authenticator_type":"oob","active":true,"oob_channel":"email","name":"****@exam*******"},` +
			`{"id":"totp|dev_wLdxko6pjg6ziKL9","authenticator_type":"otp","active":false}]`,
	})
	api, err := mfaapi.New("example.eu.auth0.com",
		mfaapi.WithClientSecret("my-client", "my-secret"),
		mfaapi.WithInsecureBaseURL(srv.URL), // the fake listens on 127.0.0.1; never in production
	)
	if err != nil {
		log.Fatal(err)
	}
	return srv, api
}

// Enrolling an authenticator app: list, associate, confirm.
func Example() {
	srv, api := newFake()
	defer srv.Close()
	ctx := context.Background()
	accessToken := "eyJ.mfa-audience-token" // from /authorize with audience https://{tenant}/mfa/

	list, err := api.Authenticators(ctx, accessToken)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range list {
		fmt.Printf("%s active=%v name=%q\n", a.Kind(), a.Active, a.Name)
	}

	assoc, err := api.Associate(ctx, accessToken, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(assoc) // secrets are redacted in all output
	// Show assoc.BarcodeURI as a QR code and assoc.Secret in groups; show
	// assoc.RecoveryCodes[0] once.

	_, err = api.VerifyOTP(ctx, accessToken, "000000")
	fmt.Println("wrong code:", mfaapi.IsInvalidCode(err))

	tok, err := api.VerifyOTP(ctx, accessToken, "123456")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn)

	list, _ = api.Authenticators(ctx, accessToken)
	fmt.Println(len(list), list[0].ID, list[0].Active)
	// Output:
	// email active=true name="****@exam*******"
	// totp active=false name=""
	// mfaapi.Association{AuthenticatorType:"otp" Secret:"[REDACTED]" BarcodeURI:"[REDACTED]" OOBChannel:"" OOBCode:"" BindingMethod:"" RecoveryCodes:"[REDACTED x1]"}
	// wrong code: true
	// Bearer 600
	// 2 totp|dev_WzMZ2sZbUw1wbC2F true
}

// Push enrollment: poll VerifyOOB without a binding code until it resolves.
func ExampleClient_VerifyOOB_push() {
	srv, api := newFake()
	defer srv.Close()
	ctx := context.Background()
	accessToken := "eyJ.mfa-audience-token"

	assoc, err := api.Associate(ctx, accessToken, mfaapi.AssociateRequest{Kind: mfaapi.KindPush})
	if err != nil {
		log.Fatal(err)
	}
	// Show assoc.BarcodeURI as a QR code for Guardian, then poll.
	for {
		tok, err := api.VerifyOOB(ctx, accessToken, assoc.OOBCode, "")
		switch {
		case mfaapi.IsAuthorizationPending(err), mfaapi.IsSlowDown(err):
			fmt.Println("pending")
			// Real code waits at least 5 seconds here (a meta refresh in mfahandler).
			continue
		case mfaapi.IsRejected(err), mfaapi.IsOOBCodeExpired(err):
			fmt.Println("stopped")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("approved", tok.TokenType)
		}
		return
	}
	// Output:
	// pending
	// pending
	// approved Bearer
}

// Deleting sends the id path-escaped.
func ExampleClient_DeleteAuthenticator() {
	srv, api := newFake()
	defer srv.Close()
	if err := api.DeleteAuthenticator(context.Background(), "eyJ.mfa-audience-token", "totp|dev_WzMZ2sZbUw1wbC2F"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// server saw DELETE /mfa/authenticators/totp%7Cdev_WzMZ2sZbUw1wbC2F
}

// The password-realm grant answers mfa_required with an opaque mfa_token, which /mfa/challenge
// and the Verify methods accept.
func ExampleClient_LoginPassword() {
	srv, api := newFake()
	defer srv.Close()
	ctx := context.Background()
	_, err := api.LoginPassword(ctx, mfaapi.PasswordRequest{
		Username: "alice@example.com", Password: "correct horse", Realm: "Username-Password-Authentication",
	})
	var e *mfaapi.Error
	if !mfaapi.IsMFARequired(err) || !errors.As(err, &e) {
		log.Fatal(err)
	}
	fmt.Println(err) // the mfa_token is never printed
	ch, err := api.Challenge(ctx, mfaapi.ChallengeRequest{MFAToken: e.MFAToken, ChallengeTypes: []string{"otp"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("challenge:", ch.ChallengeType)
	// Output:
	// mfaapi: POST /oauth/token: 403 mfa_required: Multifactor authentication required
	// challenge: otp
}

// An operator mistake names its fix.
func ExampleError_Fix() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"invalid audience"}`)
	}))
	defer srv.Close()
	api, _ := mfaapi.New("login.example.com", mfaapi.WithClientSecret("my-client", "my-secret"), mfaapi.WithInsecureBaseURL(srv.URL))

	_, err := api.VerifyOTP(context.Background(), "eyJ.custom-domain-audience", "123456")
	fmt.Println(mfaapi.IsWrongAudience(err))
	var e *mfaapi.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code)
		fmt.Println(e.Fix())
	}
	// Output:
	// true
	// 403 invalid_grant
	// request the MFA API token with audience https://{canonical tenant domain}/mfa/ (the canonical tenant domain such as your-tenant.eu.auth0.com, never the custom domain, with the trailing slash)
}
