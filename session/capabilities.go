package session

// Optional capabilities of a [Store]. mfahandler.New looks for them on Config.Sessions; a
// wrapper around a store (such as an encrypting one) should forward them.

// ConfigChecker is implemented by stores that can tell whether their own settings are safe
// for a session that holds an MFA API token. mfahandler.New calls CheckConfig with https set
// from Config.RedirectURL and refuses to start on an error. [SCS] implements it.
type ConfigChecker interface {
	CheckConfig(https bool) error
}

// CookieAdvisor is implemented by stores that can suggest a safer cookie setup. mfahandler.New
// logs the advice once at start (over HTTPS) when it is not empty. [SCS] implements it.
type CookieAdvisor interface {
	CookieNameAdvice() string
}

var (
	_ ConfigChecker = (*SCS)(nil)
	_ CookieAdvisor = (*SCS)(nil)
)
