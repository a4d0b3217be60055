package myaccount

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// This file holds the redacting views of the request and answer types of an enrollment. (Method
// and VerifyRequest keep theirs beside them.) A struct of yours that holds one of these values
// in an unexported field is printed by fmt field by field, bypassing the views: keep such
// structs out of logs.

func (r EnrollRequest) fields() []wire.Field {
	return []wire.Field{
		{Name: "Type", Key: "type", Val: string(r.Type)},
		{Name: "PhoneNumber", Key: "phone_number", Val: maskPhone(r.PhoneNumber)},
		{Name: "PreferredChannel", Key: "preferred_channel", Val: string(r.PreferredChannel)},
		{Name: "Email", Key: "email", Val: wire.MaskEmail(r.Email)},
		{Name: "Connection", Key: "connection", Val: r.Connection},
		{Name: "IdentityUserID", Key: "identity_user_id", Val: r.IdentityUserID},
	}
}

// String describes r with the phone number and email masked.
func (r EnrollRequest) String() string { return wire.ViewString("myaccount.EnrollRequest", r.fields()) }

// GoString is String in Go syntax.
func (r EnrollRequest) GoString() string {
	return wire.ViewGoString("myaccount.EnrollRequest", r.fields())
}

// Format makes every fmt verb mask the phone number and email.
func (r EnrollRequest) Format(f fmt.State, verb rune) {
	wire.FormatValue(f, verb, r.String(), r.GoString())
}

// LogValue implements slog.LogValuer with the phone number and email masked.
func (r EnrollRequest) LogValue() slog.Value { return wire.ViewLog(r.fields()) }

func (e Enrollment) fields() []wire.Field {
	opts := ""
	if len(e.AuthnParamsPublicKey) > 0 {
		opts = "[" + strconv.Itoa(len(e.AuthnParamsPublicKey)) + " bytes]"
	}
	return []wire.Field{
		{Name: "Type", Key: "type", Val: string(e.Type)},
		{Name: "ID", Key: "id", Val: e.ID},
		{Name: "VerifyID", Key: "verify_id", Val: e.VerifyID},
		{Name: "Location", Key: "location", Val: e.Location},
		{Name: "AuthSession", Key: "auth_session", Val: wire.Redact(e.AuthSession)},
		{Name: "BarcodeURI", Key: "barcode_uri", Val: wire.Redact(e.BarcodeURI)},
		{Name: "ManualInputCode", Key: "manual_input_code", Val: wire.Redact(e.ManualInputCode)},
		{Name: "RecoveryCode", Key: "recovery_code", Val: wire.Redact(e.RecoveryCode)},
		{Name: "AuthnParamsPublicKey", Key: "authn_params_public_key", Val: opts},
	}
}

// String describes e with its secrets redacted.
func (e Enrollment) String() string { return wire.ViewString("myaccount.Enrollment", e.fields()) }

// GoString is String in Go syntax.
func (e Enrollment) GoString() string { return wire.ViewGoString("myaccount.Enrollment", e.fields()) }

// Format makes every fmt verb redact the secrets.
func (e Enrollment) Format(f fmt.State, verb rune) {
	wire.FormatValue(f, verb, e.String(), e.GoString())
}

// LogValue implements slog.LogValuer with the secrets redacted.
func (e Enrollment) LogValue() slog.Value { return wire.ViewLog(e.fields()) }
