// Package app is selfmfa's example host: a small web app with its own pages and its own
// sign-in, and selfmfa mounted at /account/mfa/ as its "Security settings".
//
// Everything here is what a host app writes:
//
//   - its pages: a home page, a signed-in area (/account) with a "Security settings" link, a
//     layout (pages.templ) with the app's header and navigation, its CSS (static/app.css);
//   - its sign-in with go-oidc and x/oauth2 (host.go): scope "openid profile email", PKCE, state
//     and nonce kept in the session, the ID token verified, the session cleared and renewed at
//     sign-in; sign-out ends the app's session and then the tenant's (/v2/logout);
//   - scs sessions: cookie "session", HttpOnly, SameSite=Lax, Secure on https, 30 minutes idle,
//     12 hours at most; in Redis (scs/redisstore) when REDIS_URL is set;
//   - selfmfa (app.go): mfahandler.New with the session (session.NewSCS), the signed-in user's
//     subject, the app's layout (WithLayout) and button and card classes (WithClasses), and the
//     Redis limiter (the redislimit module) when several instances share users' state.
//
// Offline (the default) it starts an emulated tenant (auth0test) with demo users and its dev
// pages, and registers the app's callbacks on it:
//
//	inst, err := app.Start(ctx, app.Config{})
//	if err != nil {
//		return err
//	}
//	defer inst.Close()
//	fmt.Print(inst.Banner()) // the URL to open, demo users, the dev inbox and push pages
//
// With Config.Auth0 set (ConfigFromEnv reads AUTH0_DOMAIN, AUTH0_TENANT_DOMAIN,
// AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_CALLBACK_BASE) it uses a real tenant, and Start
// first checks the tenant's settings: discovery answers with the issuer https://{Domain}/, the
// tenant domain is a *.auth0.com one, and a harmless MFA-grant request tells whether the
// application may use the MFA grant and whether its secret is right. The findings are logged
// and printed by Banner; secrets never are.
//
// Config.Now is the one clock of the emulator, the handler and go-oidc, so tests can expire
// tokens by moving it.
package app
