package session

// withCapabilities returns s with exactly the optional interfaces inner has ([Renewer],
// [ConfigChecker], [CookieAdvisor]), each forwarded to inner. A wrapper must not claim one
// inner lacks: mfahandler.New requires a Renewer, and a claimed one that could only fail would
// turn that start-up check into a failure on every step-up.
func withCapabilities(s *encryptedStore, inner Store) Store {
	r, isRenewer := inner.(Renewer)
	c, isChecker := inner.(ConfigChecker)
	a, isAdvisor := inner.(CookieAdvisor)
	switch {
	case isRenewer && isChecker && isAdvisor:
		return struct {
			*encryptedStore
			Renewer
			ConfigChecker
			CookieAdvisor
		}{s, r, c, a}
	case isRenewer && isChecker:
		return struct {
			*encryptedStore
			Renewer
			ConfigChecker
		}{s, r, c}
	case isRenewer && isAdvisor:
		return struct {
			*encryptedStore
			Renewer
			CookieAdvisor
		}{s, r, a}
	case isChecker && isAdvisor:
		return struct {
			*encryptedStore
			ConfigChecker
			CookieAdvisor
		}{s, c, a}
	case isRenewer:
		return struct {
			*encryptedStore
			Renewer
		}{s, r}
	case isChecker:
		return struct {
			*encryptedStore
			ConfigChecker
		}{s, c}
	case isAdvisor:
		return struct {
			*encryptedStore
			CookieAdvisor
		}{s, a}
	default:
		return s
	}
}
