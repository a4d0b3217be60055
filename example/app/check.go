package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// checkTenant looks for the usual setup mistakes of a real tenant and returns one sentence per
// finding. It never prints a secret. Requests go to base (https://{Domain}); discovery must
// announce issuer (https://{Domain}/). With myAccount (the handler on the My Account API) the
// MFA API's needs are not checked: a custom Domain alone is right there, and the MFA grant is
// not used.
func checkTenant(ctx context.Context, client *http.Client, base, issuer string, a Auth0Config, myAccount bool) []string {
	var out []string
	if td := cmp.Or(a.TenantDomain, a.Domain); !myAccount && !strings.HasSuffix(hostname(td), ".auth0.com") {
		out = append(out, fmt.Sprintf("AUTH0_TENANT_DOMAIN %q does not end in .auth0.com: the MFA API only accepts tokens "+
			"for https://{tenant}.auth0.com/mfa/ (Dashboard > Settings shows the tenant's domain)", td))
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if status, err := send(ctx, client, http.MethodGet, base+"/.well-known/openid-configuration", nil, &doc); err != nil || status != http.StatusOK {
		out = append(out, fmt.Sprintf("could not read %s/.well-known/openid-configuration (%s): check AUTH0_DOMAIN", base, cmp.Or(errText(err), http.StatusText(status))))
	} else if doc.Issuer != issuer {
		out = append(out, fmt.Sprintf("the tenant's issuer is %q, not %q: AUTH0_DOMAIN must be the bare domain users log in through", doc.Issuer, issuer))
	}
	if f := probeMFAGrant(ctx, client, base, a); f != "" && !(myAccount && strings.Contains(f, "Grant Types > MFA")) {
		out = append(out, f)
	}
	return out
}

// probeMFAGrant asks for an MFA grant with a dummy mfa_token: the answer tells whether the
// application may use the grant and whether its credentials are right, and changes nothing.
func probeMFAGrant(ctx context.Context, client *http.Client, base string, a Auth0Config) string {
	form := url.Values{
		"grant_type":    {"http://auth0.com/oauth/grant-type/mfa-otp"},
		"client_id":     {a.ClientID},
		"client_secret": {a.ClientSecret},
		"mfa_token":     {"selfmfa-startup-check"},
		"otp":           {"000000"},
	}
	var answer struct {
		Error string `json:"error"`
	}
	status, err := send(ctx, client, http.MethodPost, base+"/oauth/token", form, &answer)
	switch {
	case err != nil:
		return fmt.Sprintf("could not reach %s/oauth/token (%s)", base, errText(err))
	case answer.Error == "invalid_grant":
		return "" // grant enabled, credentials right: only the dummy mfa_token was refused
	case answer.Error == "unauthorized_client":
		return "the application may not use the MFA grant: enable Applications > (your app) > Advanced Settings > Grant Types > MFA"
	case answer.Error == "invalid_client" || (status == http.StatusUnauthorized && answer.Error == "access_denied"):
		return "Auth0 refused the client credentials: check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (Applications > (your app) > Settings)"
	}
	return fmt.Sprintf("unexpected answer to the MFA grant check: HTTP %d %.40q", status, answer.Error)
}

// send makes one request and decodes a JSON answer (of any status) into v.
func send(ctx context.Context, client *http.Client, method, target string, form url.Values, v any) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(v) // a non-JSON answer leaves v empty
	return resp.StatusCode, nil
}

// errText is err without the URL a *url.Error repeats.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
