package views

import (
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/selfmfa/selfmfa/internal/qrsvg"
)

func flashRole(f Flash) string {
	if f.kind() == FlashError {
		return "alert"
	}
	return "status"
}

func flashIcon(f Flash) string {
	switch f.kind() {
	case FlashSuccess:
		return "check"
	case FlashError:
		return "alert"
	}
	return "info"
}

func flashPrefix(f Flash) string {
	switch f.kind() {
	case FlashSuccess:
		return "Success: "
	case FlashError:
		return "Error: "
	}
	return "Note: "
}

// describedBy lists the ids of a field's hint and error.
func describedBy(id, hint, err string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if err != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

// textInput describes a text, tel or email field.
type textInput struct {
	ID, Name, Label, Hint, Error, Value string
	Type, Autocomplete, InputMode       string
	MaxLength                           string
}

func (q QR) label() string { return orDefault(q.Label, qrsvg.DefaultLabel) }

// component returns the QR code's SVG, or false when there is nothing that can be shown.
func (q QR) component() (templ.Component, bool) {
	if q.SVG != nil {
		return q.SVG, true
	}
	svg, err := qrsvg.Encode(q.Content, qrsvg.WithLabel(q.label()), qrsvg.WithClass("mfa-qr-svg"))
	if err != nil {
		return nil, false
	}
	return templ.Raw(svg), true
}

// accessibleName is the group's label and masked name, for screen-reader text.
func (g FactorGroup) accessibleName() string {
	if g.Name == "" {
		return g.label()
	}
	return g.label() + ", " + g.Name
}

func kindIconName(kinds []Kind) string {
	has := func(k Kind) bool { return slices.Contains(kinds, k) }
	switch {
	case has(KindPush):
		return "push"
	case has(KindSMS):
		return "sms"
	case has(KindVoice):
		return "voice"
	case has(KindTOTP):
		return "app"
	case has(KindEmail):
		return "email"
	case has(KindRecoveryCode):
		return "key"
	}
	return "shield"
}

func itoa(n int) string { return strconv.Itoa(n) }

// cancelFormID is the id of the form a cancel button outside it submits.
const cancelFormID = "mfa-cancel-form"

// anyDates reports whether any group has an enrollment date to show.
func anyDates(groups []FactorGroup) bool {
	for _, g := range groups {
		if !g.CreatedAt.IsZero() {
			return true
		}
	}
	return false
}

// otpauthLink is the otpauth:// URI as a link that opens the authenticator app on the same
// device (the QR code cannot be scanned by the phone showing it). Only the otpauth scheme is
// let through templ's URL sanitizer.
func otpauthLink(content string) (templ.SafeURL, bool) {
	if !strings.HasPrefix(content, "otpauth://") || strings.ContainsAny(content, "\"<> \t\r\n") {
		return "", false
	}
	return templ.SafeURL(content), true
}
