// Package tenant is the HTTP-free state machine of an emulated Auth0 tenant:
// its users and their MFA authenticators, enrollment (associate and confirm),
// challenges, opaque mfa_tokens and oob_codes, per-user rate limits, and the
// outbox and push queue that stand in for phones, mailboxes and the Guardian
// app. The HTTP layer in auth0test maps its *Error values to Auth0's JSON
// error bodies ({"error": Code, "error_description": Description}, status
// Status, Retry-After from RetryAfter).
//
// It follows reference/auth0-mfa-api.md (§2 endpoints, §3 errors, §4 rules,
// §7 formats). Where that reference marks a fact [UNK], the choice is one
// named constant or variable whose comment starts "[UNK] in the reference".
// It is a test and development emulator, not a security boundary.
//
// Every method is safe for concurrent use (one mutex per Tenant). Time comes
// only from the injected clock and randomness only from the injected reader,
// so tests are deterministic and never sleep:
//
//	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
//	clock := func() time.Time { return now } // advance now to move time
//	tn := tenant.New(clock, rand.Reader, tenant.DefaultSettings())
//	_ = tn.AddUser(tenant.User{ID: "auth0|alice", Email: "alice@example.com", Password: "pw", EmailVerified: true})
//
//	// Enroll a TOTP (POST /mfa/associate with an /mfa/ access token) ...
//	res, _ := tn.Associate("auth0|alice", clientID, tenant.AssociateRequest{AuthenticatorTypes: []string{"otp"}}, false)
//	// res.Secret, res.BarcodeURI, and res.RecoveryCodes on the first association.
//
//	// ... and confirm it (grant mfa-otp) with the code the authenticator app shows.
//	for _, a := range tn.List("auth0|alice") {
//		if a.AuthenticatorType == "otp" && !a.Active {
//			code, _ := tn.TOTPCode(a.ID)
//			_ = tn.ConfirmPendingOTP("auth0|alice", code) // nil: active now, with the recovery code
//		}
//	}
//	// Confirming tries only the newest pending totp; answering a challenge
//	// (VerifyActiveOTP) tries only active ones.
//
//	// SMS: the code lands in the outbox; confirm with oob_code + binding_code.
//	res, _ = tn.Associate("auth0|alice", clientID, tenant.AssociateRequest{
//		AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"sms"}, PhoneNumber: "+14155550100"}, false)
//	code, _ := tn.LastCode("+14155550100")
//	_ = tn.VerifyOOB("auth0|alice", clientID, res.OOBCode, code)
//
//	// Push: poll VerifyOOB (authorization_pending, slow_down) until the
//	// Guardian stand-in decides.
//	for _, p := range tn.PendingPushes("auth0|alice") {
//		_ = tn.ApprovePush(p.ID) // or RejectPush
//	}
//
//	// Login challenge with an opaque mfa_token.
//	tok := tn.IssueMFAToken("auth0|alice", clientID)
//	user, client, _ := tn.LookupMFAToken(tok)
//	ch, _ := tn.Challenge(user, client, []string{"otp", "oob"}, "")
//	_ = ch.ChallengeType // "otp": then VerifyActiveOTP
//
// Tests can also create active authenticators directly with
// SeedAuthenticator and read secrets with TOTPSecret, TOTPCode and
// RecoveryCode.
//
// Passkeys (StartPasskey, VerifyPasskey, PasskeyLoginOptions, PasskeyLogin)
// are a WebAuthn relying party built on go-webauthn's byte-level API (no
// *http.Request): the caller passes the relying party (rp.id, rp.name, the
// allowed origins); the tenant makes the challenge, checks type, challenge,
// origin and duplicates itself, and has go-webauthn verify the attestation or
// the assertion. Passkeys are stored beside, not among, the MFA
// authenticators.
package tenant
