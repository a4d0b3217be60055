package tenant

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func wantMeError(t *testing.T, e *Error, status int, code string) {
	t.Helper()
	if e == nil || e.Status != status || e.Code != code {
		t.Fatalf("error = %+v, want %d %s", e, status, code)
	}
}

// lastCode is the newest code sent to an address.
func lastCode(t *testing.T, tn *Tenant, to string) string {
	t.Helper()
	c, ok := tn.LastCode(to)
	if !ok {
		t.Fatalf("no code sent to %s", to)
	}
	return c
}

// TestMethodsAreTheSameAuthenticators: one user, two views. A phone enrolled through the My
// Account view is one method and, for the MFA API, the sms and voice pair; names and the
// preferred channel are kept; deleting the method deletes the pair.
func TestMethodsAreTheSameAuthenticators(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	start, e := tn.StartMethod(bob, client, MethodPhone, phone, "voice", "")
	if e != nil {
		t.Fatal(e)
	}
	if !strings.HasPrefix(start.ID, "phone|dev_") || start.AuthSession == "" || start.BarcodeURI != "" {
		t.Fatalf("start = %+v", start)
	}
	if m, _ := tn.MethodByID(bob, start.ID); m.Confirmed || m.Preferred != "voice" {
		t.Fatalf("pending method %+v", m)
	}
	if _, e := tn.VerifyMethod(bob, client, start.ID, start.AuthSession, "000000"); e == nil {
		t.Fatal("a wrong code verified the phone")
	}
	m, e := tn.VerifyMethod(bob, client, start.ID, start.AuthSession, lastCode(t, tn, phone))
	if e != nil {
		t.Fatal(e)
	}
	if !m.Confirmed || m.Type != MethodPhone || m.PhoneNumber != phone || !m.CreatedAt.Equal(t0) {
		t.Fatalf("verified %+v", m)
	}
	var kinds []string
	for _, a := range tn.List(bob) {
		if a.Active {
			kinds = append(kinds, a.OOBChannel)
		}
	}
	if strings.Join(kinds, ",") != "voice,sms" && strings.Join(kinds, ",") != "sms,voice" {
		t.Fatalf("the MFA API lists %v, want the sms and voice pair", kinds)
	}
	if _, e := tn.VerifyMethod(bob, client, start.ID, start.AuthSession, lastCode(t, tn, phone)); e == nil {
		t.Error("an auth_session verified twice")
	}

	name, sms := "Work phone", "sms"
	clk.Advance(time.Minute)
	m, e = tn.UpdateMethod(bob, start.ID, &name, &sms)
	if e != nil || m.Name != "Work phone" || m.Preferred != "sms" {
		t.Fatalf("update: %+v %v", m, e)
	}
	long := strings.Repeat("x", maxMethodName+1)
	wantMeError(t, second(tn.UpdateMethod(bob, start.ID, &long, nil)), http.StatusBadRequest, codeValidation)
	fax := "fax"
	wantMeError(t, second(tn.UpdateMethod(bob, start.ID, nil, &fax)), http.StatusBadRequest, codeValidation)
	if got := tn.Methods(bob, MethodPhone); len(got) != 1 || got[0].Name != "Work phone" {
		t.Fatalf("methods %+v", got)
	}
	if got := tn.Methods(bob, MethodTOTP); len(got) != 0 {
		t.Fatalf("a type filter let %+v through", got)
	}
	if e := tn.DeleteMethod(bob, start.ID); e != nil {
		t.Fatal(e)
	}
	if len(tn.List(bob)) != 0 || len(tn.Methods(bob, "")) != 0 {
		t.Fatalf("after delete: %+v / %+v", tn.List(bob), tn.Methods(bob, ""))
	}
	wantMeError(t, tn.DeleteMethod(bob, start.ID), http.StatusNotFound, codeNotFound)
}

func second[T any](_ T, e *Error) *Error { return e }

// TestMethodEnrollments: totp (the secret computes the code), email, push (verify only after
// the approval), recovery code (created on its own, one at a time); auth_sessions are bound
// to the user, the client and the method, and expire.
func TestMethodEnrollments(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)

	app, e := tn.StartMethod(bob, client, MethodTOTP, "", "", "")
	if e != nil || app.ManualCode == "" || !strings.Contains(app.BarcodeURI, app.ManualCode) {
		t.Fatalf("totp start %+v %v", app, e)
	}
	for _, bad := range []struct{ user, client, id string }{{alice, client, app.ID}, {bob, "other", app.ID}, {bob, client, "totp|dev_other"}} {
		wantMeError(t, second(tn.VerifyMethod(bad.user, bad.client, bad.id, app.AuthSession, rfc6238(app.ManualCode, clk.Now()))), http.StatusBadRequest, codeValidation)
	}
	if m, e := tn.VerifyMethod(bob, client, app.ID, app.AuthSession, rfc6238(app.ManualCode, clk.Now())); e != nil || !m.Confirmed || m.Type != MethodTOTP {
		t.Fatalf("totp verify %+v %v", m, e)
	}
	for _, a := range tn.List(bob) {
		if a.AuthenticatorType == typeRecovery {
			t.Fatal("a My Account enrollment created a recovery code the user never saw")
		}
	}

	mail, e := tn.StartMethod(bob, client, MethodEmail, "", "", "bob.work@example.org")
	if e != nil {
		t.Fatal(e)
	}
	clk.Advance(meAuthSessionTTL)
	wantMeError(t, second(tn.VerifyMethod(bob, client, mail.ID, mail.AuthSession, lastCode(t, tn, "bob.work@example.org"))), http.StatusBadRequest, codeValidation)

	push, e := tn.StartMethod(bob, client, MethodPush, "", "", "")
	if e != nil || !strings.HasPrefix(push.ID, "push-notification|dev_") || push.BarcodeURI == "" {
		t.Fatalf("push start %+v %v", push, e)
	}
	wantMeError(t, second(tn.VerifyMethod(bob, client, push.ID, push.AuthSession, "")), http.StatusBadRequest, codeValidation)
	if err := tn.ApprovePush(tn.PendingPushes(bob)[0].ID); err != nil {
		t.Fatal(err)
	}
	if m, e := tn.VerifyMethod(bob, client, push.ID, push.AuthSession, ""); e != nil || !m.Confirmed {
		t.Fatalf("push verify after approval %+v %v", m, e)
	}
	if got := tn.Methods(bob, MethodTOTP); len(got) != 1 {
		t.Errorf("the push's companion totp is listed as a method of its own: %+v", got)
	}

	rc, e := tn.StartMethod(bob, client, MethodRecovery, "", "", "")
	if e != nil || len(rc.RecoveryCode) != 24 {
		t.Fatalf("recovery start %+v %v", rc, e)
	}
	if _, e := tn.VerifyMethod(bob, client, rc.ID, rc.AuthSession, ""); e != nil {
		t.Fatal(e)
	}
	wantMeError(t, second(tn.StartMethod(bob, client, MethodRecovery, "", "", "")), http.StatusConflict, "conflict")
	if code, ok := tn.RecoveryCode(bob); !ok || code != rc.RecoveryCode {
		t.Errorf("the MFA API's recovery code is %q, the method's %q", code, rc.RecoveryCode)
	}

	for _, bad := range []struct{ typ, phone, pref, email string }{
		{"fax", "", "", ""}, {MethodPhone, "0044", "", ""}, {MethodPhone, phone, "telegram", ""}, {MethodEmail, "", "", "not-an-address"},
	} {
		wantMeError(t, second(tn.StartMethod(bob, client, bad.typ, bad.phone, bad.pref, bad.email)), http.StatusBadRequest, codeValidation)
	}
	if got := strings.Join(tn.Factors(), ","); got != "totp,phone,email,push-notification,recovery-code,passkey" {
		t.Errorf("factors %s", got)
	}
}
