// Package webauthntest is a virtual WebAuthn authenticator for tests: it does
// in Go what a browser and a passkey provider do for
// navigator.credentials.create(), so that a relying party (the emulated Auth0
// tenant of package auth0test, or a proxy in front of it) can be tested
// headless, without Chromium.
//
// An Authenticator holds ECDSA P-256 credentials (COSE algorithm -7). Create
// reads PublicKeyCredentialCreationOptions as JSON (the authn_params_public_key
// of Auth0's My Account API), honours excludeCredentials as a browser does
// (ErrExcluded, the InvalidStateError), and returns the registration response
// in the WebAuthn JSON form (PublicKeyCredential.toJSON(): id, rawId, type,
// response.clientDataJSON, response.attestationObject, response.transports,
// authenticatorAttachment, clientExtensionResults): clientDataJSON with type
// "webauthn.create", the challenge and the origin; an attestation object in
// the "none" format whose authenticator data carries the SHA-256 of rp.id, the
// UP, UV, BE, BS and AT flags, a zero signature counter, the AAGUID, the
// credential id and the COSE public key.
//
//	a := webauthntest.New(webauthntest.Provider{AAGUID: webauthntest.AAGUIDGooglePasswordManager, BackupEligible: true, BackedUp: true})
//	resp, err := a.Create(optionsJSON, "http://localhost:3000")
//	// POST {"auth_session": …, "authn_response": resp} to …/passkey%7Cnew/verify
//
// Get does the same for navigator.credentials.get(): a discoverable assertion
// (clientDataJSON of type "webauthn.get", authenticator data with the counter
// one up, an ES256 signature, the user handle) with the newest credential for
// rp.id, or one of allowCredentials (ErrNoCredential, the NotAllowedError,
// when none fits).
//
// CreateWith and GetWith take a Ceremony that changes one thing a browser would never
// change (the origin it reports, the ceremony type, the challenge, the rp.id
// it hashes, or reusing an existing credential despite excludeCredentials),
// so that each of the relying party's checks can be tested on its own.
//
// The encoding is written here, not taken from a WebAuthn library, so that a
// relying party built on one is not tested against itself. This package is for
// tests only: keys live in memory and nothing is attested.
package webauthntest
