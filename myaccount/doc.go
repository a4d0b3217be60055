// Package myaccount is a typed client for the authentication-methods endpoints of Auth0's My
// Account API (https://{domain}/me/v1): list, get, enroll and verify, rename, delete, and the
// tenant's factors. It is the My Account counterpart of the mfaapi package and is usable on its
// own; the two make the same safety guarantees through the same plumbing.
//
// # Walkthrough
//
// Build one Client per domain. The My Account API takes the canonical tenant domain or a
// custom domain, but one must be used throughout: the login, the token's audience (Audience,
// https://{domain}/me/) and the calls.
//
//	api, err := myaccount.New("login.example.com")
//
// The access token is the signed-in user's, obtained with the authorization code flow for
// that audience and the scopes the calls need (AllScopes lists all five). The application
// needs a client grant for the "Auth0 My Account API" with those scopes, and the API must be
// activated on the tenant (IsNotActivated and Error.Fix say so when it is not).
//
// List the user's methods; pending enrollments have Confirmed false:
//
//	methods, err := api.Methods(ctx, accessToken, "") // or myaccount.TypePasskey to filter
//	for _, m := range methods {
//		fmt.Println(m.Type, m.Name, m.Confirmed, m.LastAuthAt)
//	}
//
// Enroll in two steps. Enroll answers 202 with what the user needs and the id to verify;
// Verify answers 201 with the confirmed method:
//
//	e, err := api.Enroll(ctx, accessToken, myaccount.EnrollRequest{Type: myaccount.TypeTOTP})
//	// show e.BarcodeURI as a locally rendered QR code and e.ManualInputCode; read a code
//	v := e.Verification() // carries e.VerifyID and e.AuthSession: keep them server-side
//	v.OTPCode = code
//	m, err := api.Verify(ctx, accessToken, v)
//	switch {
//	case myaccount.IsInvalidCode(err): // ask again
//	case myaccount.IsRateLimited(err): // wait: errors.AsType[*myaccount.Error](err) has RetryAfter
//	case err != nil: // log it: Error() ends with "; fix: …" for operator mistakes
//	}
//
// Phone enrollments send the code when Enroll returns (PreferredChannel picks SMS or voice);
// email ones likewise. A push enrollment is verified with no code once the user approved it in
// Guardian. A recovery code is in e.RecoveryCode: show it once, never store it. A passkey
// enrollment returns e.AuthnParamsPublicKey for navigator.credentials.create, whose result
// goes back as VerifyRequest.AuthnResponse; it has no id until verified, and its VerifyID is
// "passkey%7Cnew".
//
// Rename a method or change a phone's preferred channel, and delete one:
//
//	name := "Work phone"
//	m, err = api.UpdateMethod(ctx, accessToken, m.ID, myaccount.MethodUpdate{Name: &name})
//	err = api.DeleteMethod(ctx, accessToken, m.ID)
//
// # Ids
//
// The id of a listed method (Method.ID, "phone|dev_…") is decoded JSON text; Method,
// UpdateMethod and DeleteMethod path-escape it ("phone%7Cdev_…"). The id to verify is the last
// segment of the Location header of Enroll's answer, which the API reference says to use "as
// it is, without any modifications": Enrollment.VerifyID keeps it percent-encoded exactly as
// sent, and Verify puts it on the wire unchanged. The Location URL itself is never followed,
// so the token never goes to a host named by a response.
//
// # Errors
//
// Every non-2xx answer is an *Error: the HTTP status, the RFC 7807 type, title, detail and
// validation_errors, Retry-After and x-ratelimit-* hints, and the call, method and path (never
// the query or body). Classify it with the Is… functions by status: IsUnauthorized (401),
// IsInsufficientScope (403; MissingScope names the scope), IsNotFound (404 on a method),
// IsNotActivated (404 on a collection), IsConflict (409, cause undocumented), IsRateLimited
// (429), IsInvalidRequest (400), and for Verify IsInvalidCode and IsAuthSessionInvalid. Where
// Auth0 documents no answer the choice is a named constant marked [UNK] in the source.
// Invalid arguments fail before any request with ErrInvalidInput; a 2xx that is not the
// documented JSON is ErrMalformedResponse, never success.
//
// WithRateLimitObserver reports the x-ratelimit-* headers of every answer, success included,
// so that a host can count the very low per-user write limit (2 a minute on free tenants)
// before Auth0 refuses a call.
//
// # Safety
//
//   - Every call takes a context. Response bodies are read up to 1 MiB (WithMaxResponseBytes).
//   - Redirects are never followed: a 3xx is an *Error wrapping ErrRedirect.
//   - Nothing is retried, neither GET nor POST: Enroll may have sent a code and Verify may
//     have consumed one even when the answer was lost; the caller decides.
//   - Without WithHTTPClient the Client uses its own *http.Client with a 10 s timeout.
//   - Plain HTTP is possible only with WithInsecureBaseURL to a loopback host, for a local
//     emulator; production code MUST NOT use it.
//   - Enrollment, VerifyRequest, EnrollRequest, Method and Error implement String, GoString,
//     fmt.Formatter and slog.LogValuer so that %v, %+v, %#v, %s and slog output never show the
//     auth_session, barcode_uri, manual input code, recovery code, one-time code or a full
//     phone number or email. An error answer that echoes a secret of its request has it
//     replaced by [REDACTED].
//
// DPoP-bound tokens (which the API also accepts) are not supported: the Client sends Bearer.
package myaccount
