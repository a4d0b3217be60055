// Package mfahandler mounts a self-service MFA page into any net/http app: signed-in users
// list, add, confirm and remove their own second factors (authenticator app, SMS, voice,
// email, Auth0 Guardian push, recovery code) through Auth0's MFA API, on the app's own pages.
//
// Mounting, with the host's scs session manager and its signed-in user:
//
//	sm := scs.New()
//	sm.Cookie.Secure, sm.IdleTimeout, sm.Lifetime = true, 30*time.Minute, 12*time.Hour // checked by New over HTTPS
//	sm.ErrorFunc = session.ErrorFunc(logger)
//	mfa, err := mfahandler.New(mfahandler.Config{
//		Domain:       "login.example.com", // custom domain users log in through
//		TenantDomain: "acme.eu.auth0.com", // canonical domain: the MFA audience is built from it
//		ClientID:     clientID,
//		ClientSecret: clientSecret,
//		RedirectURL:  "https://app.example.com/account/mfa/callback",
//		Sessions:     session.NewSCS(sm),
//		CurrentUser:  func(r *http.Request) (string, bool) { return app.UserSub(r) },
//	}, mfahandler.WithFactors(mfahandler.FactorTOTP, mfahandler.FactorSMS))
//	if err != nil {
//		return err
//	}
//	mux := http.NewServeMux()
//	mux.Handle(mfa.Pattern(), mfa) // "/account/mfa/": no http.StripPrefix
//	srv := &http.Server{Handler: sm.LoadAndSave(mux)}
//
// With chi: r.Use(sm.LoadAndSave); r.Mount(mfa.BasePath(), mfa).
//
// # Step-up
//
// Managing factors needs an access token for the audience https://{TenantDomain}/mfa/ with the
// scopes enroll, read:authenticators and remove:authenticators. The handler gets it with an
// authorization-code login (PKCE, state, nonce, max_age) that Auth0 turns into an MFA challenge
// for users who already have a factor. The ID token must be for the host's signed-in user and
// recent (auth_time within WithMaxAge, default 10 minutes); the token is kept in the host's
// session, the session id is rotated, and the user resumes where they were. Tokens last 10
// minutes; when one runs out the user goes through the step-up again and comes back to the
// same page (a removal is always confirmed again, never executed silently).
//
// # Safety
//
// Every unsafe request passes http.CrossOriginProtection; nothing changes on GET except the two
// named exceptions (the OAuth callback and the push poll, which complete a step), the recovery
// code's single display, which deletes it as it shows it, and the list page when it finishes an
// enrollment whose confirmation answer was lost. Every POST that is carried out answers 303.
// Every response carries Cache-Control: no-store, a strict Content-Security-Policy with
// frame-ancestors 'none', X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer.
// Codes, phone numbers, factor kinds and authenticator ids are validated before any call to
// Auth0, and an id must belong to the user's freshly listed authenticators. Attempt limits and
// a per-user lock live behind the limiter.Limiter interface (in memory by default; use a shared
// one such as Redis when the app runs on several instances). Tokens, TOTP secrets, codes,
// recovery codes and full phone numbers never reach logs, URLs or error pages.
package mfahandler
