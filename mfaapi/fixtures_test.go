package mfaapi

// Bodies recorded against real tenants, copied byte for byte from
// /work/shared/reference/auth0-mfa-api.md (go-auth0 go-vcr recordings unless noted). The "…"
// in some of them is the reference's abbreviation of the recorded iron token; it is kept.
const (
	// §2.1, TestMFAListAuthenticators.yaml.
	fixtureList = `[{"id":"sms|dev_klnv5yshzzoosSUm","authenticator_type":"oob","active":false,"oob_channel":"sms","name":"XXXXXXXXX9167"},
 {"id":"recovery-code|dev_i1kgKoFSZLbPt6G1","authenticator_type":"recovery-code","active":false},
 {"id":"push|dev_BBTKYpxKHOXVBnql","authenticator_type":"oob","active":false,"oob_channel":"auth0"},
 {"id":"totp|dev_WzMZ2sZbUw1wbC2F","authenticator_type":"otp","active":false},
 {"id":"totp|dev_wLdxko6pjg6ziKL9","authenticator_type":"otp","active":false},
 {"id":"email|dev_hdkmORJuqOmjRRQU","authenticator_type":"oob","active":true,"oob_channel":"email","name":"****@exam*******"}]`

	// §2.2, Should_return_response_for_OTP.yaml.
	fixtureAssociateOTP = `{"authenticator_type":"otp","secret":"HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF","barcode_uri":"otpauth://totp/My%20Test%20Tenant:user%40example.com?secret=HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF&issuer=My%20Test%20Tenant&algorithm=SHA1&digits=6&period=30"}`

	// §2.2, Should_return_response_for_OOB_(SMS_channel).yaml (first enrollment).
	fixtureAssociateSMS = `{"authenticator_type":"oob","binding_method":"prompt","recovery_codes":["MZCRK3YX5V3AKNNYY6JEBQCL"],"oob_channel":"sms","oob_code":"Fe26.2*SERVER_1726721698*…*1726830032592*…"}`

	// §2.2, voice: "same shape with oob_channel voice" [DOC; INF].
	fixtureAssociateVoice = `{"authenticator_type":"oob","binding_method":"prompt","oob_channel":"voice","oob_code":"Fe26.2*SERVER_1726721698*…*1726830032592*…"}`

	// §2.2, email [DOC].
	fixtureAssociateEmail = `{"authenticator_type":"oob","binding_method":"prompt","oob_code":"Fe26..nWE","oob_channel":"email","recovery_codes":["N3BGPZZWJ85JLCNPZBDW6QXC"]}`

	// §2.2, Should_return_response_for_OOB_(Auth0_channel).yaml.
	fixtureAssociatePush = `{"authenticator_type":"oob","barcode_uri":"otpauth://totp/My%20Test%20Tenant:user%40example.com?enrollment_tx_id=t5FmaYNt8APzKlh3WCRNLi2dG3uZYnAC&base_url=https%3A%2F%2Fgo-auth0-dev.eu.auth0.com.guardian.us.auth0.com","oob_channel":"auth0","oob_code":"Fe26.2*SERVER_1726721698*…"}`

	// §2.4, TestMFAChallenge/Should_make_a_challenge_request_using_OTP.yaml.
	fixtureChallengeOTP = `{"challenge_type":"otp"}`

	// §2.5, TestMFAVerifyWithOTP (sanitised by go-auth0).
	fixtureTokenOTP = `{"access_token":"test-access-token","expires_in":86400,"scope":"openid profile","token_type":"Bearer"}`

	// §2.5, docs example after an OTP enrollment [DOC].
	fixtureTokenDocs = `{"id_token":"eyJ...i","access_token":"eyJ...i","expires_in":600,"scope":"openid profile","token_type":"Bearer"}`

	// §2.6, Should_return_an_error_when_requesting_before_authorizing.yaml (HTTP 400).
	fixturePending = `{"error":"authorization_pending","error_description":"Authorization pending: please repeat the request in a few seconds."}`

	// §2.6, …when_authorization_has_been_denied.yaml (HTTP 400).
	fixtureRejected = `{"error":"access_denied","error_description":"MFA Authorization rejected."}`

	// §2.7, recovery-code grant (sent code M67LWV6ZJGNDUGH43BADW46N).
	fixtureTokenRecovery = `{"access_token":"test-access-token","expires_in":86400,"scope":"openid profile","token_type":"Bearer","recovery_code":"17EQHNZC2SZDYG7X4QXVX9SW"}`

	// §2.8, mfa_required (HTTP 403) [DOC].
	fixtureMFARequired = `{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26...Ha",
 "mfa_requirements":{"challenge":[{"type":"otp"},{"type":"push-notification"},{"type":"phone"},{"type":"recovery-code"}]}}`
)
