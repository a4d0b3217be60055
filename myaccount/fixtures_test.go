package myaccount

// Bodies from the My Account API's OpenAPI description (auth0/docs-v2
// main/docs/oas/myaccount/myaccount-api-oas.json), the example values of each operation, as
// the server sends them. "…" abbreviations are the OAS's own.
const (
	// GET /authentication-methods, example "multiple-methods".
	oasList = `{"authentication_methods":[` +
		`{"id":"email|dev_XXXXXXXXXXXXXXXX","type":"email","confirmed":true,"email":"user@example.com","usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"},` +
		`{"id":"phone|dev_YYYYYYYYYYYYYYYY","type":"phone","confirmed":true,"phone_number":"+15551234567","preferred_authentication_method":"sms","usage":["secondary"],"created_at":"2025-01-16T14:00:00.000Z"},` +
		`{"id":"totp|dev_ZZZZZZZZZZZZZZZZ","type":"totp","confirmed":true,"usage":["secondary"],"created_at":"2025-02-01T09:15:00.000Z"},` +
		`{"id":"passkey|dev_AAAAAAAAAAAAAAAA","type":"passkey","credential_device_type":"multi_device","credential_backed_up":true,"identity_user_id":"auth0|507f1f77bcf86cd799439011","key_id":"dGVzdC1rZXktaWQ","public_key":"pQECAyYgASFYI...","transports":["internal"],"user_agent":"Chrome 131.0.0 / Mac OS X 10.15.7","user_handle":"YXV0aDB8NTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDEx","relying_party_id":"example.auth0.com","usage":["primary"],"created_at":"2025-03-10T08:00:00.000Z"},` +
		`{"id":"password|dXNlci0xMjM","type":"password","identity_user_id":"auth0|507f1f77bcf86cd799439011","usage":["primary"],"created_at":"2024-06-01T12:00:00.000Z"},` +
		`{"id":"webauthn-platform|dev_BBBBBBBBBBBBBBBB","type":"webauthn-platform","confirmed":true,"key_id":"dGVzdC1wbGF0Zm9ybS1rZXk","public_key":"pQECAyYgASFYI...","usage":["secondary"],"created_at":"2025-02-20T11:00:00.000Z"},` +
		`{"id":"webauthn-roaming|dev_CCCCCCCCCCCCCCCC","type":"webauthn-roaming","confirmed":true,"key_id":"dGVzdC1yb2FtaW5nLWtleQ","public_key":"pQECAyYgASFYI...","usage":["secondary"],"created_at":"2025-02-25T16:45:00.000Z"}]}`

	// GET /authentication-methods/{id}, example "phone".
	oasGetPhone = `{"id":"phone|dev_XXXXXXXXXXXXXXXX","type":"phone","confirmed":true,"phone_number":"+15551234567","preferred_authentication_method":"sms","usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"}`

	// POST /authentication-methods, 202 examples.
	oasEnrollTOTP     = `{"id":"totp|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed...","barcode_uri":"otpauth://totp/my-tenant:auth0%7C507f1f77bcf86cd799439011?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant&algorithm=SHA1&digits=6&period=30","manual_input_code":"JBSWY3DPEHPK3PXP"}`
	oasEnrollPhone    = `{"id":"phone|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed..."}`
	oasEnrollEmail    = `{"id":"email|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed..."}`
	oasEnrollPush     = `{"id":"push-notification|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed...","barcode_uri":"otpauth://totp/my-tenant:auth0%7C507f1f77bcf86cd799439011?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant&algorithm=SHA1&digits=6&period=30"}`
	oasEnrollRecovery = `{"id":"recovery-code|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed...","recovery_code":"ABCDEFGHIJKLMNOPQRSTUVWX"}`
	oasPasskeyOptions = `{"challenge":"dGVzdC1jaGFsbGVuZ2U","timeout":60000,"rp":{"id":"example.auth0.com","name":"My Application"},"user":{"id":"YXV0aDB8NTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDEx","name":"user@example.com","displayName":"User"},"pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"authenticatorSelection":{"residentKey":"required","userVerification":"preferred"}}`
	oasEnrollPasskey  = `{"auth_session":"Fe26.2**05c400ed...","authn_params_public_key":` + oasPasskeyOptions + `}`

	// The LocationHeader examples: created (passkey, not verified) and verified.
	oasLocationPasskeyNew = "https://auth0.auth0.com/me/v1/authentication-methods/passkey%7Cnew"
	oasLocationPasskey    = "https://auth0.auth0.com/me/v1/authentication-methods/passkey%7Cdev_XXXXXXXXXXXXXXXX"

	// POST /authentication-methods/{id}/verify, request and 201 examples.
	oasAuthnResponse   = `{"id":"dGVzdC1jcmVkZW50aWFsLWlk","rawId":"dGVzdC1jcmVkZW50aWFsLWlk","type":"public-key","response":{"attestationObject":"o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YQ...","clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hh..."},"clientExtensionResults":{}}`
	oasVerifiedTOTP    = `{"id":"totp|dev_XXXXXXXXXXXXXXXX","type":"totp","confirmed":true,"usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"}`
	oasVerifiedPush    = `{"id":"push-notification|dev_XXXXXXXXXXXXXXXX","type":"push-notification","confirmed":true,"usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"}`
	oasVerifiedPasskey = `{"id":"passkey|dev_XXXXXXXXXXXXXXXX","type":"passkey","credential_device_type":"multi_device","credential_backed_up":true,"identity_user_id":"auth0|507f1f77bcf86cd799439011","key_id":"dGVzdC1jcmVkZW50aWFsLWlk","public_key":"pQECAyYgASFYI...","transports":["internal"],"user_agent":"Chrome 131.0.0 / Mac OS X 10.15.7","user_handle":"YXV0aDB8NTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDEx","relying_party_id":"example.auth0.com","usage":["primary"],"created_at":"2025-01-15T10:30:00.000Z"}`

	// GET /factors (the reference's §5.2 shape of ListFactorsResponseContent).
	oasFactors = `{"factors":[{"type":"totp","usage":["secondary"]},{"type":"phone","usage":["secondary"]},{"type":"passkey","usage":["primary"]},{"type":"recovery-code","usage":["secondary"]}]}`

	// Error bodies: the reference's §5.5 recorded 404 [COMM], and SDK test mocks [MOCK].
	problemNotActivated = `{"title":"Not Found","type":"https://auth0.com/api-errors/A0E-404-0001","detail":"The requested resource POST /me/authentication-methods was not found.","status":404}`
	problemInvalidToken = `{"title":"Invalid Token","type":"https://auth0.com/api-errors/A0E-401-0003","detail":"Invalid Token","status":401}`
	problemScope        = `{"type":"https://auth0.com/api-errors/A0E-403-0002","status":403,"title":"insufficient_scope","detail":"Token lacks required scope."}`
)
