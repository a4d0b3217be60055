package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// testKey is generated once: RSA key generation dominates an emulator's start.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// clock is the test's one clock, shared by the emulator, the handler and go-oidc.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// start runs the example offline on loopback ports chosen by the system, with its own emulator
// unless cfg.Tenant is set.
func start(t *testing.T, clk *clock, cfg Config) *Instance {
	t.Helper()
	cfg.Addr, cfg.TenantAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Now = clk.Now
	cfg.Logger = testLogger(t)
	cfg.EmulatorOptions = append(cfg.EmulatorOptions, auth0test.WithSigningKey(testKey()))
	inst, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return inst
}

// browser is one user agent: a cookie jar (shared by every port of 127.0.0.1, as in a real
// browser) and redirects followed by hand, so that each hop can be inspected.
type browser struct {
	t   *testing.T
	jar http.CookieJar
	c   *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, jar: jar, c: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is one response with its body read.
type page struct {
	status int
	header http.Header
	body   string
	url    *url.URL
}

// location is the page's redirect target, resolved.
func (p page) location() *url.URL {
	u, err := p.url.Parse(p.header.Get("Location"))
	if err != nil {
		return &url.URL{}
	}
	return u
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, header: res.Header, body: string(body), url: req.URL}
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form as a browser does from a same-origin page.
func (b *browser) post(u string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// follow follows redirects from p to the first page that is not one.
func (b *browser) follow(p page) page {
	b.t.Helper()
	for i := 0; p.status >= 300 && p.status < 400; i++ {
		if i == 15 {
			b.t.Fatalf("too many redirects, last to %s", p.location())
		}
		p = b.get(p.location().String())
	}
	return p
}

func (b *browser) cookie(rawURL, name string) *http.Cookie {
	u, _ := url.Parse(rawURL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signIn signs in through the app's /login and the tenant's login form, and returns the page
// the app lands on.
func (b *browser) signIn(inst *Instance, email, password string) page {
	b.t.Helper()
	p := b.follow(b.get(inst.URL + "/login"))
	if p.url.Path != "/u/login" {
		b.t.Fatalf("GET /login ended at %s (%d), want the tenant's login form", p.url, p.status)
	}
	form := url.Values{"state": {field(b.t, p.body, "state")}, "email": {email}, "password": {password}}
	action, _ := p.url.Parse("/u/login")
	return b.follow(b.post(action.String(), form))
}

// field returns the value of the named hidden input of an HTML page.
func field(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no input %q in the page:\n%s", name, body)
	}
	return m[1]
}
