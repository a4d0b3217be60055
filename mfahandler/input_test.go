package mfahandler_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestMalformedCodesNeverReachAuth0: only six ASCII digits (after trimming) are forwarded;
// everything else is refused locally, not echoed, and still counted (T01).
func TestMalformedCodesNeverReachAuth0(t *testing.T) {
	t.Parallel()
	malformed := []string{
		"12a456", "1234567", "12345", strings.Repeat("9", 10<<10), "١٢٣٤٥٦", "１２３４５６", "123 456",
		"\x00123456", "", "-12345", "+12345", "0x1234", "123456\n1", "12345６", "１23456", "<b>1</b>",
	}
	limits := mfahandler.DefaultLimits()
	limits.CodesPerEnrollment = 100
	limits.Codes = limiter.Rule{Name: "codes", Burst: len(malformed), Refill: time.Hour}
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimits(limits)}})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"]
	mark := e.up.mark()
	for _, code := range malformed {
		p := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{"enrollment": enrollment, "code": {code}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/enroll/totp" {
			t.Fatalf("code %.20q: %d %q", code, p.status, p.header.Get("Location"))
		}
		back := b.follow(p)
		mustContain(t, back, `aria-invalid="true"`, "6-digit code")
		if len(code) > 2 && strings.Contains(back.body, code) {
			t.Errorf("code %.20q is echoed back", code)
		}
	}
	e.up.noCalls(t, mark, "malformed codes")
	if n := e.countEvents(mfahandler.EventConfirmFailed); n != len(malformed) {
		t.Errorf("confirm_failed events: %d, want %d", n, len(malformed))
	}
	// The malformed attempts were counted: the budget is spent, even for the right code.
	p := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{"enrollment": enrollment, "code": {totpCode(t, secret, e.clock.Now())}})
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
		t.Fatalf("after the budget: %d Retry-After %q", p.status, p.header.Get("Retry-After"))
	}
	// An hour later (a new setup: the old one has ended), surrounding whitespace is trimmed and
	// the code confirms.
	e.clock.Advance(time.Hour)
	b.stepUp()
	setup, secret = startTOTP(t, b)
	done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {" " + totpCode(t, secret, e.clock.Now()) + "\t"}})
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatalf("the valid code was not accepted: %s\n%s", done.url, done.body)
	}
}

// TestFormStrictness: only single-valued application/x-www-form-urlencoded bodies of bounded
// size are read; the query string never stands in for the body (T04, T05, T06, T09).
func TestFormStrictness(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	good := totpCode(t, secret, e.clock.Now())
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name, path, ctype, body string
		want                    int
	}{
		{"code twice", "/account/mfa/enroll/confirm", form, "enrollment=" + enrollment + "&code=" + good + "&code=" + good, 400},
		{"enrollment twice", "/account/mfa/enroll/confirm", form, "enrollment=" + enrollment + "&enrollment=" + enrollment + "&code=" + good, 400},
		{"id twice", "/account/mfa/remove", form, "id=totp%7Cdev_a&id=totp%7Cdev_b", 400},
		{"too many fields", "/account/mfa/enroll/cancel", form, strings.Repeat("a=1&", 0) + fields(17), 400},
		{"json", "/account/mfa/enroll/confirm", "application/json", `{"enrollment":"` + enrollment + `","code":"` + good + `"}`, 415},
		{"text/plain", "/account/mfa/enroll/confirm", "text/plain", "enrollment=" + enrollment + "&code=" + good, 415},
		{"multipart", "/account/mfa/enroll/confirm", "multipart/form-data; boundary=x",
			"--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n" + good + "\r\n--x--\r\n", 415},
		{"no content type", "/account/mfa/enroll/confirm", "", "enrollment=" + enrollment + "&code=" + good, 415},
		{"lookalike content type", "/account/mfa/enroll/confirm", "application/x-www-form-urlencoded-evil", "code=" + good, 415},
		{"oversized", "/account/mfa/enroll/confirm", form, "enrollment=" + enrollment + "&code=" + good + "&x=" + strings.Repeat("a", 16<<10), 413},
		{"oversized many params", "/account/mfa/enroll/cancel", form, strings.Repeat("a&", 10001), 413},
		{"bad encoding", "/account/mfa/enroll/confirm", form, "code=%zz", 400},
	}
	mark := e.up.mark()
	for _, c := range cases {
		h := b.sameOrigin()
		if c.ctype == "" {
			delete(h, "Content-Type")
		} else {
			h["Content-Type"] = c.ctype
		}
		p := b.raw(http.MethodPost, c.path, c.body, h)
		if p.status != c.want {
			t.Errorf("%s: %d, want %d", c.name, p.status, c.want)
		}
		wantSecurityHeaders(t, c.name, p, false)
		mustContain(t, p, "Nothing was changed")
	}
	// Query parameters: never the body on POST, and bounded on GET.
	p := b.raw(http.MethodPost, "/account/mfa/enroll/confirm?code="+good, "enrollment="+enrollment+"&code=000000", b.sameOrigin())
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/enroll/totp" {
		t.Fatalf("query code: %d %q", p.status, p.header.Get("Location"))
	}
	p = b.raw(http.MethodPost, "/account/mfa/enroll/confirm?enrollment="+enrollment+"&code="+good, "", b.sameOrigin())
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" {
		t.Fatalf("query-only confirm: %d %q", p.status, p.header.Get("Location"))
	}
	id := "totp%7Cdev_abc"
	if p := b.raw(http.MethodPost, "/account/mfa/remove?id="+id, "", b.sameOrigin()); p.status != http.StatusBadRequest {
		t.Errorf("remove with the id only in the query: %d, want 400", p.status)
	}
	many := strings.Repeat("a=1&", 10001)
	for _, path := range []string{"/account/mfa/?" + many, "/account/mfa/remove?id=" + id + "&" + many, "/account/mfa/callback?" + many + "state=x&code=y"} {
		if p := b.get(e.app.URL + path); p.status != http.StatusBadRequest {
			t.Errorf("GET with 10001 parameters (%.30s): %d, want 400", path, p.status)
		}
	}
	if n := e.up.count(mark, http.MethodPost, "/oauth/token"); n != 1 {
		t.Errorf("%d confirmations reached Auth0, want 1 (the wrong body code)", n)
	}
	if n := len(activeIDs(e, bob, "totp|")); n != 0 {
		t.Fatalf("a refused request confirmed the factor")
	}
	// The enrollment is intact.
	done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {good}})
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatalf("confirm after the refused requests: %s", done.url)
	}
}

func fields(n int) string {
	v := url.Values{}
	for i := range n {
		v.Set("f"+strings.Repeat("x", i), "1")
	}
	return v.Encode()
}

// TestFactorAllowlist: only the enabled factor names, exactly, reach /mfa/associate (T10).
func TestFactorAllowlist(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithFactors(mfahandler.FactorTOTP, mfahandler.FactorSMS)}})
	b := e.browser(bob)
	b.stepUp()
	mark := e.up.mark()
	for _, f := range []string{"TOTP", "otp", "otp;rm", "webauthn", "oob", "email", "push", "voice", "recovery-code",
		"sms%20", "%20sms", "totp%00", "sms%0a", "..%2ftotp", "totp%2f..", "t%C3%B6tp"} {
		p := b.raw(http.MethodPost, "/account/mfa/enroll/"+f, "phone_number=%2B14155552671", b.sameOrigin())
		if p.status != http.StatusBadRequest && p.status != http.StatusNotFound && p.status != http.StatusMethodNotAllowed {
			t.Errorf("POST enroll/%s: %d", f, p.status)
		}
		if g := b.get(e.app.URL + "/account/mfa/enroll/" + f); g.status == http.StatusOK {
			t.Errorf("GET enroll/%s: 200", f)
		}
	}
	if n := e.up.count(mark, http.MethodPost, "/mfa/associate"); n != 0 {
		t.Fatalf("%d associate calls for refused factors", n)
	}
	list := b.open("/account/mfa/")
	mustNotContain(t, list, "/enroll/email", "/enroll/push", "/enroll/voice")
}

// TestPhoneValidation: only E.164 numbers reach Auth0; every other input comes back to the form
// with a message, escaped (T11).
func TestPhoneValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	mark := e.up.mark()
	for _, in := range []string{
		"555-1234", "+12345678901234567", "00441234567890", "+٤٤٧٧٠٠٩٠٠١٢٣", "+44\u202e7700900123",
		"<script>alert(1)</script>", "+", "", "+0123456789", "+44 7700 900123\r\nX-Injected: 1", "+44 7700 900123\x00",
		"+44 7700 900123 ext 5", "tel:+447700900123", "+44 (0) 7700 900123 (home)", strings.Repeat("+1", 40),
		"+44\x1b[31m7700900123",
	} {
		p := b.post(e.app.URL+"/account/mfa/enroll/sms", url.Values{"phone_number": {in}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/enroll/sms" {
			t.Fatalf("phone %q: %d %q", in, p.status, p.header.Get("Location"))
		}
		form := b.follow(p)
		mustContain(t, form, `aria-invalid="true"`)
		mustNotContain(t, form, "<script>alert(1)</script>")
	}
	if n := e.up.count(mark, http.MethodPost, "/mfa/associate"); n != 0 || len(e.emu.Outbox()) != 0 {
		t.Fatalf("invalid numbers reached Auth0: %d associate calls, outbox %d", n, len(e.emu.Outbox()))
	}
	// A national-format number with punctuation is normalised to E.164 before it is sent.
	startPhone(t, b, "sms", "+1 (415) 555-2671")
	msgs := e.emu.Outbox()
	if len(msgs) != 1 || msgs[0].To != "+14155552671" {
		t.Fatalf("outbox: %+v", msgs)
	}
}

// TestAuthenticatorIDShape: malformed ids are refused before any call; a well-formed id that
// is not in the user's fresh list is 404 without a DELETE (T12, T13).
func TestAuthenticatorIDShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	foreign, err := e.emu.SeedAuthenticator(alice, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	b.stepUp()
	bad := []string{"", "totp", "totp|", "|dev_x", "totp|dev_x/../../admin", "totp%7Cdev_x", "totp|dev_x\r\nSet-Cookie: a=b",
		"totp|dev_x\x00", "webauthn|dev_x", "TOTP|dev_x", "totp|dev_" + strings.Repeat("a", 65), strings.Repeat("x", 5000),
		"totp|dev_x y", "totp|dev_<script>", "totp|dev_x%2f..", "../totp|dev_x"}
	mark := e.up.mark()
	for _, id := range bad {
		if p := b.get(e.app.URL + "/account/mfa/remove?id=" + url.QueryEscape(id)); p.status != http.StatusBadRequest {
			t.Errorf("GET remove %q: %d, want 400", id, p.status)
		}
		if p := b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}}); p.status != http.StatusBadRequest {
			t.Errorf("POST remove %q: %d, want 400", id, p.status)
		}
	}
	if p := b.get(e.app.URL + "/account/mfa/remove?id=a&id=b"); p.status != http.StatusBadRequest {
		t.Errorf("two ids: %d", p.status)
	}
	e.up.noCalls(t, mark, "malformed ids")
	mark = e.up.mark()
	for _, id := range []string{foreign.ID, "totp|dev_doesnotexist00", "recovery-code|dev_x"} {
		if p := b.get(e.app.URL + "/account/mfa/remove?id=" + url.QueryEscape(id)); p.status != http.StatusNotFound {
			t.Errorf("GET remove %q: %d, want 404", id, p.status)
		}
		if p := b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}}); p.status != http.StatusNotFound {
			t.Errorf("POST remove %q: %d, want 404", id, p.status)
		}
	}
	if n := e.up.count(mark, http.MethodDelete, "/mfa/"); n != 0 {
		t.Fatalf("%d DELETE calls for ids not in the user's list", n)
	}
	if len(activeIDs(e, alice, "totp|")) != 1 {
		t.Fatal("alice's factor was touched")
	}
	denied := 0
	for _, ev := range e.eventList() {
		if ev.Kind == mfahandler.EventAccessDenied && ev.User == bob {
			denied++
		}
	}
	if denied != 6 {
		t.Errorf("access_denied events: %d, want 6", denied)
	}
}

// TestForeignEnrollmentID: an enrollment id from another session (of the same or another user)
// confirms nothing and calls nothing (T13).
func TestForeignEnrollmentID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	owner := e.browser(bob)
	owner.stepUp()
	setup, secret := startTOTP(t, owner)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"]
	for _, who := range []string{bob, alice} {
		other := e.browser(who)
		e.emu.QueueLogin(who)
		wantStatus(t, "other list", other.follow(other.get(e.app.URL+"/account/mfa/")), http.StatusOK)
		mark := e.up.mark()
		for _, path := range []string{"/account/mfa/enroll/confirm", "/account/mfa/enroll/resend", "/account/mfa/enroll/cancel"} {
			p := other.post(e.app.URL+path, url.Values{"enrollment": enrollment, "code": {totpCode(t, secret, e.clock.Now())}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" {
				t.Errorf("%s from %s: %d %q", path, who, p.status, p.header.Get("Location"))
			}
		}
		e.up.noCalls(t, mark, "foreign enrollment id")
	}
	if ids := pendingIDs(e, bob); len(ids) != 1 || len(activeIDs(e, bob, "totp|")) != 0 {
		t.Fatalf("the owner's enrollment changed: pending %v", ids)
	}
	done := owner.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatalf("the owner cannot confirm: %s", done.url)
	}
}

var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`{{.Secret}} ${7*7} <%= 7*7 %>`,
	"\u202egnp.exe\u202c",
	`</bdi></span><a href="https://evil.example">click</a>`,
	"line1\r\nSet-Cookie: x=1",
}

// TestHostileUpstreamValues: names, channels and ids from the tenant are only ever text (T15).
// The emulator masks names itself, so the answers are rewritten on the wire.
func TestHostileUpstreamValues(t *testing.T) {
	t.Parallel()
	hostileID := `totp|dev_"><script>alert(2)</script>`
	rewrite := func(req *http.Request, res *http.Response) {
		if req.Method != http.MethodGet || req.URL.Path != "/mfa/authenticators" || res.StatusCode != http.StatusOK {
			return
		}
		b, _ := io.ReadAll(res.Body)
		var list []map[string]any
		if err := json.Unmarshal(b, &list); err != nil {
			replaceBody(res, b)
			return
		}
		for _, a := range list {
			a["name"] = strings.Join(hostile, " ")
			if _, ok := a["oob_channel"]; ok {
				a["oob_channel"] = `sms"><script>alert(3)</script>`
			}
		}
		list = append(list, map[string]any{"id": hostileID, "authenticator_type": "otp", "active": true, "name": hostile[0]})
		out, _ := json.Marshal(list)
		replaceBody(res, out)
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	for _, k := range []auth0test.Factor{auth0test.FactorOTP, auth0test.FactorSMS, auth0test.FactorPush} {
		if _, err := e.emu.SeedAuthenticator(bob, k, auth0test.SeedOptions{Phone: "+14155552671"}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser(bob)
	list := b.stepUp()
	wantStatus(t, "list", list, http.StatusOK)
	pages := []page{list}
	for _, a := range e.emu.Authenticators(bob) {
		if a.Active && !strings.HasPrefix(a.ID, "email|") {
			pages = append(pages, b.get(e.app.URL+"/account/mfa/remove?id="+url.QueryEscape(a.ID)))
		}
	}
	for _, p := range pages {
		for _, bad := range []string{"<script>alert", "<img", "onerror=alert(1)>", `href="javascript:`, `href="https://evil.example"`,
			`<a href="https://evil`, "</bdi></span><a"} {
			if strings.Contains(p.body, bad) {
				t.Errorf("%s: page contains %q", p.url, bad)
			}
		}
		if p.header.Get("Set-Cookie") != "" && strings.Contains(p.header.Get("Set-Cookie"), "x=1") {
			t.Errorf("%s: injected cookie", p.url)
		}
		wantSecurityHeaders(t, "hostile "+p.url.Path, p, false)
	}
	mustContain(t, list, "&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "{{.Secret}}")
	if !strings.Contains(list.body, url.QueryEscape(hostileID)) {
		t.Error("the hostile id's remove link is not query-escaped")
	}
}

// TestLogInjection: user-supplied values with newlines, escapes and fake fields never produce
// extra log lines; every line is one JSON object; raw phone numbers and codes are not logged
// (T16).
func TestLogInjection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, _ := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	evil := "1\n{\"level\":\"ERROR\",\"msg\":\"forged\"}\r\x1b[31mlevel=error msg=forged"
	b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{"enrollment": {enrollment}, "code": {evil}})
	b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{"enrollment": {evil}, "code": {"123456"}})
	b.post(e.app.URL+"/account/mfa/enroll/sms", url.Values{"phone_number": {"+44 7700 900123" + evil}})
	b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {"totp|dev_x" + evil}})
	b.get(e.app.URL + "/account/mfa/remove?id=" + url.QueryEscape("totp|dev_abc"+evil))
	b.get(e.app.URL + "/account/mfa/" + url.PathEscape(evil))
	b.get(e.app.URL + "/account/mfa/callback?state=" + url.QueryEscape(evil) + "&code=x&error=" + url.QueryEscape(evil))
	b.get(e.app.URL + "/account/mfa/login?return=" + url.QueryEscape("/account/mfa/"+evil))
	b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example/" + url.PathEscape(evil)})
	startPhone(t, b, "sms", "+44 7700 900123")
	code, _ := e.emu.LastCode("+447700900123")
	b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{"enrollment": {"x"}, "code": {code}})

	lines := e.logLines(t)
	if len(lines) == 0 {
		t.Fatal("nothing logged")
	}
	raw := e.logs.String()
	for _, l := range lines {
		if l["msg"] == "forged" {
			t.Errorf("a forged log record: %v", l)
		}
	}
	for _, s := range []string{"\x1b", "\r", "+447700900123", "7700 900123", code, "\nlevel=error"} {
		if strings.Contains(raw, s) {
			t.Errorf("log contains %q:\n%s", s, raw)
		}
	}
	for _, ev := range e.eventList() {
		if strings.ContainsAny(ev.Reason+string(ev.Factor)+ev.User, "\r\n\x1b") {
			t.Errorf("event carries control characters: %+v", ev)
		}
	}
}
