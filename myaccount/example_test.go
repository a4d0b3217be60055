package myaccount_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/selfmfa/selfmfa/myaccount"
)

// fakeMyAccount answers the two steps of a TOTP enrollment with the OAS example bodies; a real
// host talks to https://{domain}/me/v1.
func fakeMyAccount() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.EscapedPath() {
		case "/me/v1/authentication-methods":
			w.Header().Set("Location", "https://login.example.com/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX")
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.WriteString(w, `{"id":"totp|dev_XXXXXXXXXXXXXXXX","auth_session":"Fe26.2**05c400ed...",`+
				`"barcode_uri":"otpauth://totp/my-tenant:auth0%7C507f1f77bcf86cd799439011?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant",`+
				`"manual_input_code":"JBSWY3DPEHPK3PXP"}`)
		case "/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX/verify":
			var body struct {
				OTPCode string `json:"otp_code"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			if body.OTPCode != "123456" {
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, `{"type":"https://auth0.com/api-errors/A0E-403-0001","status":403,"title":"Forbidden","detail":"Invalid otp_code."}`)
				return
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":"totp|dev_XXXXXXXXXXXXXXXX","type":"totp","confirmed":true,"usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// Enroll an authenticator app in two steps: Enroll returns the QR code data and the id to
// verify; Verify confirms it with a code from the app.
func ExampleClient_Enroll() {
	srv := fakeMyAccount()
	defer srv.Close()
	api, err := myaccount.New("login.example.com", myaccount.WithInsecureBaseURL(srv.URL)) // production: no option
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	accessToken := "eyJ-users-token" // the user's token for api.Audience(), https://login.example.com/me/

	e, err := api.Enroll(ctx, accessToken, myaccount.EnrollRequest{Type: myaccount.TypeTOTP})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verify id:", e.VerifyID)
	fmt.Println(e) // secrets are redacted in all output
	// Render e.BarcodeURI as a QR code, show e.ManualInputCode, keep e.Verification() server-side.

	v := e.Verification()
	v.OTPCode = "000000" // a typo
	if _, err := api.Verify(ctx, accessToken, v); myaccount.IsInvalidCode(err) {
		fmt.Println("wrong code, ask again")
	}
	v.OTPCode = "123456"
	m, err := api.Verify(ctx, accessToken, v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.Type, m.Confirmed)
	// Output:
	// verify id: totp%7Cdev_XXXXXXXXXXXXXXXX
	// myaccount.Enrollment{Type:"totp" ID:"totp|dev_XXXXXXXXXXXXXXXX" VerifyID:"totp%7Cdev_XXXXXXXXXXXXXXXX" Location:"https://login.example.com/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX" AuthSession:"[REDACTED]" BarcodeURI:"[REDACTED]" ManualInputCode:"[REDACTED]" RecoveryCode:"" AuthnParamsPublicKey:""}
	// wrong code, ask again
	// totp|dev_XXXXXXXXXXXXXXXX totp true
}

// The errors say what the operator must change.
func ExampleError_Fix() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"type":"https://auth0.com/api-errors/A0E-403-0002","status":403,"title":"insufficient_scope","detail":"Token lacks required scope."}`)
	}))
	defer srv.Close()
	api, _ := myaccount.New("login.example.com", myaccount.WithInsecureBaseURL(srv.URL))
	err := api.DeleteMethod(context.Background(), "token", "totp|dev_1")
	fmt.Println(myaccount.IsInsufficientScope(err), myaccount.MissingScope(err))
	fmt.Println(err)
	// Output:
	// true delete:me:authentication_methods
	// myaccount: DELETE /me/v1/authentication-methods/totp%7Cdev_1: 403 insufficient_scope: Token lacks required scope. (A0E-403-0002); fix: add the scope delete:me:authentication_methods to the application's client grant for the My Account API (Dashboard > Applications > your app > APIs > Auth0 My Account API > User-delegated Access) and request it at login with audience https://login.example.com/me/
}
