package e2e

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// webClient is a cookie-keeping HTTP client that acts like a browser without JavaScript, for the
// multi-instance tests: it follows redirects (303 turns a POST into a GET) and, like a browser,
// sends the cookies of 127.0.0.1 to every port of 127.0.0.1.
type webClient struct {
	t *testing.T
	c *http.Client
}

// webPage is one response at the end of a redirect chain.
type webPage struct {
	Status int
	URL    *url.URL
	Body   string
}

func newWebClient(t *testing.T) *webClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &webClient{t: t, c: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

func (w *webClient) do(req *http.Request) webPage {
	w.t.Helper()
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		w.t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	return webPage{Status: resp.StatusCode, URL: resp.Request.URL, Body: string(b)}
}

func (w *webClient) get(u string) webPage {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.do(req)
}

func (w *webClient) post(u string, form url.Values) webPage {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.do(req)
}

// postNoFollow posts and returns the first response without following its redirect.
func (w *webClient) postNoFollow(u string, form url.Values) (status int, location string) {
	w.t.Helper()
	c := *w.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatalf("POST %s: %v", req.URL.Path, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

var (
	formRE   = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE  = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRE   = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*"([^"]*)"`)
	dataMfaV = regexp.MustCompile(`id="mfa-secret"[^>]*data-mfa-value="([^"]*)"|data-mfa-value="([^"]*)"[^>]*id="mfa-secret"`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// form returns the absolute action and the hidden fields of the page's first form whose action
// is action (a path), failing the test when there is none.
func (p webPage) form(t *testing.T, action string) (string, url.Values) {
	t.Helper()
	for _, f := range formRE.FindAllStringSubmatch(p.Body, -1) {
		a := attrs(f[1])
		if a["action"] != action {
			continue
		}
		vals := url.Values{}
		for _, in := range inputRE.FindAllStringSubmatch(f[2], -1) {
			ia := attrs(in[1])
			if ia["type"] == "hidden" && ia["name"] != "" {
				vals.Add(ia["name"], ia["value"])
			}
		}
		ref, err := url.Parse(a["action"])
		if err != nil {
			t.Fatal(err)
		}
		return p.URL.ResolveReference(ref).String(), vals
	}
	t.Fatalf("no form with action %s on %s (status %d):\n%s", action, p.URL, p.Status, clip(p.Body, 2000))
	return "", nil
}

// mustBe fails unless the page is a 200 at path (regexp) and says every want.
func (p webPage) mustBe(t *testing.T, status int, pathRE string, wants ...string) {
	t.Helper()
	if p.Status != status || !regexp.MustCompile(pathRE).MatchString(p.URL.RequestURI()) {
		t.Fatalf("got %d at %s, want %d at %s; page:\n%s", p.Status, p.URL, status, pathRE, clip(textOf(p.Body), 1500))
	}
	for _, w := range wants {
		if !strings.Contains(html.UnescapeString(p.Body), w) {
			t.Fatalf("%s does not say %q; page:\n%s", p.URL, w, clip(textOf(p.Body), 1500))
		}
	}
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)

func textOf(body string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(body, " "))), " ")
}

// totpSecret reads the manual-entry key of a TOTP page.
func (p webPage) totpSecret(t *testing.T) otpauth {
	t.Helper()
	m := dataMfaV.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no TOTP key on %s", p.URL)
	}
	key, err := decodeBase32Secret(m[1] + m[2])
	if err != nil {
		t.Fatal(err)
	}
	return otpauth{Secret: key, Digits: 6, Period: 30 * time.Second}
}

// signIn signs u in on the app at base through the tenant's login form, and opens the security
// settings (step-up) there; it returns the list page.
func (w *webClient) signIn(base string, u auth0test.User) webPage {
	w.t.Helper()
	login := w.get(base + "/login")
	login.mustBe(w.t, http.StatusOK, `^/u/login`)
	action, vals := login.form(w.t, "/u/login")
	vals.Set("email", u.Email)
	vals.Set("password", u.Password)
	w.post(action, vals).mustBe(w.t, http.StatusOK, `^/account$`, "Your account")
	list := w.get(base + "/account/mfa/")
	list.mustBe(w.t, http.StatusOK, `^/account/mfa/$`, "Your sign-in methods")
	return list
}

// startTOTP posts the list page's authenticator-app form and returns the TOTP page.
func (w *webClient) startTOTP(list webPage) webPage {
	w.t.Helper()
	action, vals := list.form(w.t, "/account/mfa/enroll/totp")
	p := w.post(action, vals)
	p.mustBe(w.t, http.StatusOK, `^/account/mfa/enroll/totp$`, "Scan the QR code")
	return p
}

// rebase returns u with its scheme and host replaced by base's: the same page on another
// instance.
func rebase(u, base string) string {
	pu, err1 := url.Parse(u)
	pb, err2 := url.Parse(base)
	if err1 != nil || err2 != nil {
		return u
	}
	pu.Scheme, pu.Host = pb.Scheme, pb.Host
	return pu.String()
}
