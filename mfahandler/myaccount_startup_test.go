package mfahandler_test

import (
	"strings"
	"testing"
)

// TestMyAccountStartupNamesWhatTheTenantNeeds: New on the My Account API says once, before any
// user signs in, which tenant settings it needs — the audience, the grant's scopes and where
// the dashboard sets them, and the second factor at login — since none can be checked yet.
func TestMyAccountStartupNamesWhatTheTenantNeeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	logs := e.logs.String()
	for _, want := range []string{"on the My Account API", e.emu.MeAudience(), "User-delegated Access",
		"delete:me:authentication_methods", "read:me:factors", "Default Policy"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the startup log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Count(logs, "on the My Account API") != 1 {
		t.Errorf("said more than once:\n%s", logs)
	}
	if mfa := newEnv(t, envConfig{}); strings.Contains(mfa.logs.String(), "My Account") {
		t.Errorf("the MFA API backend speaks of My Account:\n%s", mfa.logs.String())
	}
}
