package main

import "net/http"

// meDocScope is the scope section 5 of the walkthrough asks the My Account audience for.
const meDocScope = "create:me:authentication_methods read:me:authentication_methods update:me:authentication_methods"

// meWalkthroughSteps is section 5 of the document: the My Account API, after sections 1, 2 and 4
// on the same emulator.
func meWalkthroughSteps() []walkStep {
	return []walkStep{
		// 5. The My Account API, as Carol (added through the control interface).
		{name: "5.1 add Carol through the control interface", method: "CONTROL_ADD_CAROL"},
		{name: "5.1 log in (My Account audience)", method: http.MethodPost, path: "/oauth/token",
			form: []string{"grant_type", passwordRealm, "realm", docConnection, "username", "carol@example.com", "password", "carol-demo-password",
				"audience", "https://{canonical}/me/", "scope", meDocScope, "client_id", docClientID, "client_secret", docClientSecret},
			status: 200, body: `{"access_token":"eyJ…","scope":"` + meDocScope + `","expires_in":86400,"token_type":"Bearer"}`,
			save: map[string]string{"carol": "access_token"}},
		{name: "5.2 start an authenticator app", method: http.MethodPost, path: "/me/v1/authentication-methods", bearer: "carol",
			json: `{"type":"totp"}`, status: 202,
			body: `{"id":"totp|dev_…","auth_session":"Fe26.2*…","barcode_uri":"otpauth://totp/auth0emu:carol%40example.com?secret=…&issuer=auth0emu&algorithm=SHA1&digits=6&period=30","manual_input_code":"…"}`,
			save: map[string]string{"me_id": "id", "auth_session": "auth_session", "secret": "manual_input_code"}},
		{name: "5.3 verify", method: http.MethodPost, path: "/me/v1/authentication-methods/{me_id}/verify", bearer: "carol",
			json: `{"auth_session":"{auth_session}","otp_code":"{otp}"}`, status: 201,
			body: `{"id":"totp|dev_…","type":"totp","confirmed":true,"usage":["secondary"],"created_at":"…"}`},
		{name: "5.4 list", method: http.MethodGet, path: "/me/v1/authentication-methods", bearer: "carol", status: 200,
			body: `{"authentication_methods":[{"id":"totp|dev_…","type":"totp","confirmed":true,"usage":["secondary"],"created_at":"…"}]}`},
		{name: "5.5 a third write in the minute", method: http.MethodPatch, path: "/me/v1/authentication-methods/{me_id}", bearer: "carol",
			json: `{"name":"Work phone"}`, status: 429,
			body: `{"type":"https://auth0.com/api-errors/A0E-429-0001","status":429,"title":"Too Many Requests","detail":"Too many requests for this user. Try again after the time in Retry-After."}`},
	}
}
