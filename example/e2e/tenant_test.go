package e2e

import (
	"strings"

	"github.com/selfmfa/selfmfa/auth0test"
)

// Helpers for the emulated tenant's own pages (Universal Login stand-ins and dev pages). These
// pages are development tools: they are screenshotted but not audited with axe.

// tenantLogin fills the emulator's login form (fields email and password) and submits it.
func tenantLogin(b *tab, u auth0test.User) {
	b.t.Helper()
	b.mustBeAt(`^/u/login`)
	b.typeInto(`input[name="email"]`, u.Email)
	b.submitWith(`input[name="password"]`, u.Password)
}

// tenantChallenge answers the emulator's MFA challenge page with code.
func tenantChallenge(b *tab, code string) {
	b.t.Helper()
	b.mustBeAt(`^/u/mfa`)
	b.submitWith(`input[name="code"]`, code)
}

// inboxCode reads the newest code delivered to "to" from the emulator's dev inbox page, in the
// browser, the way a developer reads it (the table lists newest first).
func inboxCode(b *tab, emu *auth0test.Server, to string) string {
	b.t.Helper()
	b.navigate(emu.URL() + "/_dev/inbox")
	rows := run(b, "inbox rows", evalRows(`table tbody tr`))
	for _, r := range rows {
		if len(r) == 4 && r[2] == to {
			return strings.TrimSpace(r[3])
		}
	}
	b.t.Fatalf("no code for %s in the dev inbox; rows: %q", to, rows)
	return ""
}
