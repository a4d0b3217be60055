package mfabackend

import "strings"

// MaskEmail masks an email address the way GET /mfa/authenticators names an email
// authenticator: the first four characters of the local part and of the domain, the rest as
// asterisks, e.g. "dloz********@gmai*****" (Auth0's documented example, reference §4.1). A part
// of four characters or fewer is masked whole ([UNK] in the reference: chosen because it keeps
// short addresses from being shown in full; a wrong guess only means the account's email is
// not recognised in the list and is offered for removal, which Auth0 then refuses).
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return ""
	}
	return maskPart(local) + "@" + maskPart(domain)
}

func maskPart(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-4)
}
