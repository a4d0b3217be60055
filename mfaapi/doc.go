// Package mfaapi is a typed client for Auth0's MFA API (/mfa/authenticators, /mfa/associate,
// /mfa/challenge) and the MFA grants of /oauth/token (mfa-otp, mfa-oob, mfa-recovery-code),
// plus the password grants that yield an mfa_token. It is usable on its own; the mfahandler
// package builds the self-service pages on it.
//
// # Walkthrough
//
// Build one Client per tenant and application. domain is the host the calls go to (the
// canonical tenant domain or a custom domain):
//
//	api, err := mfaapi.New("your-tenant.eu.auth0.com",
//		mfaapi.WithClientSecret(clientID, clientSecret))
//
// The MFA API needs an access token for the audience https://{canonical tenant domain}/mfa/
// (with the trailing slash, and never the custom domain: a custom-domain audience lets
// associate succeed and then fails the confirmation with "invalid audience") and the scopes
// "enroll read:authenticators remove:authenticators". Get it through /authorize (the
// mfahandler step-up does); it lasts 10 minutes.
//
// List the user's authenticators; ignore those with Active false (pending enrollments):
//
//	list, err := api.Authenticators(ctx, accessToken)
//	for _, a := range list {
//		if a.Active {
//			fmt.Println(a.Kind(), a.Name) // Name is masked by Auth0
//		}
//	}
//
// Enroll an authenticator app: associate, show Secret and BarcodeURI (as a locally rendered
// QR code), then confirm with a code from the app, passing the same access token as the
// mfa_token:
//
//	assoc, err := api.Associate(ctx, accessToken, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
//	// … the user scans assoc.BarcodeURI and types a code …
//	tok, err := api.VerifyOTP(ctx, accessToken, code)
//	switch {
//	case mfaapi.IsInvalidCode(err): // ask again
//	case mfaapi.IsTooManyAttempts(err): // wait: errors.AsType[*mfaapi.Error](err) has RetryAfter
//	case err != nil: // log it: Error() ends with "; fix: …" for operator mistakes
//	}
//
// SMS, voice and email enrollments return an OOBCode; confirm with the code the user
// received:
//
//	assoc, err := api.Associate(ctx, accessToken, mfaapi.AssociateRequest{
//		Kind: mfaapi.KindSMS, PhoneNumber: "+14155550123"})
//	tok, err := api.VerifyOOB(ctx, accessToken, assoc.OOBCode, code)
//
// Push enrollments return an OOBCode and a BarcodeURI for Guardian; poll VerifyOOB with an
// empty binding code, no faster than every 5 seconds, until it succeeds: IsAuthorizationPending
// and IsSlowDown mean "later", IsRejected and IsOOBCodeExpired mean "stop".
//
// The first association of a user may carry RecoveryCodes (when the tenant enables them):
// show the code once, never store it.
//
// Remove an authenticator (and its pair: SMS with voice, push with its OTP):
//
//	err = api.DeleteAuthenticator(ctx, accessToken, "totp|dev_WzMZ2sZbUw1wbC2F")
//
// For the resource-owner password flow, LoginPassword returns an *Error with IsMFARequired
// and the opaque MFAToken; Challenge and the Verify methods take it from there (the /mfa/
// access token is refused by /mfa/challenge).
//
// # Errors
//
// Every non-2xx answer is an *Error carrying the HTTP status, Auth0's error and
// error_description, Retry-After and X-RateLimit-* hints, and the method and path (never
// the query or body). Classify it with the Is… functions, which use errors.As and so accept
// wrapped errors. Invalid arguments fail before any request with ErrInvalidInput; a 2xx with a
// body that is not the documented JSON is ErrMalformedResponse, never success.
//
// # Safety
//
//   - Every call takes a context. Response bodies are read up to 1 MiB (WithMaxResponseBytes).
//   - Redirects are never followed: a 3xx is an *Error wrapping ErrRedirect.
//   - Nothing is retried, neither GET nor POST: a POST to /oauth/token may consume a one-time
//     code even when its answer is lost, and Auth0 counts failed codes. Callers decide.
//   - Without WithHTTPClient the Client uses its own *http.Client with a 10 s timeout.
//   - Plain HTTP is possible only with WithInsecureBaseURL to a loopback host, for a local
//     emulator; production code MUST NOT use it.
//   - Token, Association, Challenge, the request types and Error implement String, GoString,
//     fmt.Formatter and slog.LogValuer so that %v, %+v, %#v, %s and slog output never show
//     tokens, the TOTP secret, barcode_uri, codes, recovery codes, oob_code, mfa_token,
//     passwords or full phone numbers. (A struct of yours holding one in an unexported field
//     is printed by fmt field by field, bypassing this; keep such structs out of logs.)
//
// # Client authentication
//
// /oauth/token and /mfa/challenge authenticate the application: WithClientSecret sends the
// client secret in the body (client_secret_post); WithPublicClient sends the client id alone.
// Private-key JWT is not implemented; WithClientAuthenticator accepts an implementation of
// ClientAuthenticator that adds client_assertion. The bearer-authenticated calls (/mfa/associate
// and /mfa/authenticators) never send the client secret.
package mfaapi
