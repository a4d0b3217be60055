package auth0test

import (
	"sync"
	"testing"
)

// TestOptionsSharedByParallelTenants: one set of options may start many tenants at once (a
// host's parallel tests share them); each tenant gets the settings, and none writes into the
// options (run with -race).
func TestOptionsSharedByParallelTenants(t *testing.T) {
	t.Parallel()
	opts := []Option{
		WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever, FriendlyName: "Shared"}),
		WithUsers(User{Email: "shared@example.com", Password: "shared-pw-1"}),
		WithMyAccountGrant(""),
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			s, err := NewServer(opts...)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			if st := s.Settings(); st.FriendlyName != "Shared" || !st.Factors[FactorOTP] || st.Factors[FactorSMS] {
				t.Errorf("settings %+v", st)
			}
		})
	}
	wg.Wait()
}
