package views

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
)

// ---- parsing helpers ---------------------------------------------------------------------------

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(t.Context(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

// parse reads a page as a browser without JavaScript does (so <noscript> content is markup).
func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.ParseWithOptions(strings.NewReader(s), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrv(n *html.Node, key string) string { v, _ := attr(n, key); return v }

func classes(n *html.Node) []string { return strings.Fields(attrv(n, "class")) }

func hasClass(n *html.Node, c string) bool {
	for _, x := range classes(n) {
		if x == c {
			return true
		}
	}
	return false
}

// all returns the element nodes under n (n included) for which match is true.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func byID(doc *html.Node, id string) *html.Node {
	els := all(doc, func(n *html.Node) bool { return attrv(n, "id") == id })
	if len(els) == 0 {
		return nil
	}
	return els[0]
}

func ancestor(n *html.Node, name string) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == name {
			return p
		}
	}
	return nil
}

// ---- every page ---------------------------------------------------------------------------------

// TestPagesStructure checks each default page for the properties every page must have.
func TestPagesStructure(t *testing.T) {
	t.Parallel()
	for _, p := range samplePages(testMeta()) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			out := render(t, p.c)
			doc := parse(t, out)

			if !strings.HasPrefix(strings.ToLower(out), "<!doctype html>") {
				t.Error("not a complete document")
			}
			if h := all(doc, tag("html")); len(h) != 1 || attrv(h[0], "lang") != "en" {
				t.Error("<html lang> missing")
			}
			if titles := all(doc, tag("title")); len(titles) != 1 || !strings.HasSuffix(text(titles[0]), " – Example") {
				t.Errorf("<title> = %q", text(titles[0]))
			}
			if h1 := all(doc, tag("h1")); len(h1) != 1 || strings.TrimSpace(text(h1[0])) == "" {
				t.Errorf("want exactly one non-empty h1, got %d", len(h1))
			}
			if m := all(doc, tag("main")); len(m) != 1 || attrv(m[0], "id") != "mfa-main" {
				t.Error("main landmark missing")
			}
			if vp := all(doc, func(n *html.Node) bool { return n.Data == "meta" && attrv(n, "name") == "viewport" }); len(vp) != 1 {
				t.Error("viewport meta missing")
			}

			// Strict CSP: no inline style or script anywhere.
			if s := all(doc, func(n *html.Node) bool { _, ok := attr(n, "style"); return ok }); len(s) > 0 {
				t.Errorf("%d elements have a style attribute", len(s))
			}
			if s := all(doc, tag("style")); len(s) > 0 {
				t.Error("inline <style> element")
			}
			for _, s := range all(doc, tag("script")) {
				if attrv(s, "src") == "" || strings.TrimSpace(text(s)) != "" {
					t.Errorf("inline script: %q", text(s))
				}
			}
			if s := all(doc, func(n *html.Node) bool {
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") {
						return true
					}
				}
				return false
			}); len(s) > 0 {
				t.Errorf("%d elements have inline event handlers", len(s))
			}

			// The refresh appears on the push waiting page only.
			refresh := all(doc, func(n *html.Node) bool {
				return n.Data == "meta" && strings.EqualFold(attrv(n, "http-equiv"), "refresh")
			})
			if want := p.name == "push-waiting"; (len(refresh) == 1) != want || len(refresh) > 1 {
				t.Errorf("meta refresh count %d, want it only on push-waiting", len(refresh))
			}
			for _, r := range refresh {
				if ancestor(r, "noscript") == nil {
					t.Error("meta refresh outside <noscript>: with scripting on, mfa.js refreshes with a stop button (WCAG 2.2.1)")
				}
				if ancestor(r, "head") == nil {
					t.Error("meta refresh outside <head>")
				}
				if got := attrv(r, "content"); got != "5;url="+base+"/enroll/push/poll" {
					t.Errorf("refresh content = %q", got)
				}
			}

			// Forms: the expected number, each with the host fields, post by default.
			forms := all(doc, tag("form"))
			if len(forms) != p.forms {
				t.Errorf("got %d forms, want %d", len(forms), p.forms)
			}
			for _, f := range forms {
				hidden := all(f, func(n *html.Node) bool {
					return n.Data == "input" && attrv(n, "name") == "csrf_token" && attrv(n, "value") == "tok-3f9a"
				})
				if len(hidden) != 1 {
					t.Errorf("form %q lacks the host's hidden fields", attrv(f, "action"))
				}
				if m := attrv(f, "method"); m != "post" && m != "get" {
					t.Errorf("form method %q", m)
				}
				if !strings.HasPrefix(attrv(f, "action"), base+"/") {
					t.Errorf("form action %q", attrv(f, "action"))
				}
			}
			// Every submit button belongs to a form: inside one, or by its form attribute.
			for _, b := range all(doc, func(n *html.Node) bool { return n.Data == "button" && attrv(n, "type") == "submit" }) {
				if owner := attrv(b, "form"); owner != "" {
					if f := byID(doc, owner); f == nil || f.Data != "form" {
						t.Errorf("button %q names a missing form %q", text(b), owner)
					}
				} else if ancestor(b, "form") == nil {
					t.Errorf("submit button %q outside any form", text(b))
				}
			}
			for _, b := range all(doc, tag("button")) {
				if strings.TrimSpace(text(b)) == "" {
					t.Error("button without text")
				}
				if attrv(b, "type") == "" {
					t.Error("button without an explicit type")
				}
			}

			// Inputs: labelled; described-by targets exist; code inputs have their attributes.
			for _, in := range all(doc, tag("input")) {
				if attrv(in, "type") == "hidden" {
					continue
				}
				id := attrv(in, "id")
				labels := all(doc, func(n *html.Node) bool { return n.Data == "label" && attrv(n, "for") == id })
				if id == "" || len(labels) != 1 || strings.TrimSpace(text(labels[0])) == "" {
					t.Errorf("input %q has no label", attrv(in, "name"))
				}
				for _, ref := range strings.Fields(attrv(in, "aria-describedby")) {
					if byID(doc, ref) == nil {
						t.Errorf("aria-describedby %q points nowhere", ref)
					}
				}
				if _, inv := attr(in, "aria-invalid"); inv {
					if !strings.Contains(attrv(in, "aria-describedby"), "-error") {
						t.Errorf("invalid input %q has no error description", id)
					}
					if _, ok := attr(in, "autofocus"); !ok {
						t.Errorf("invalid input %q is not focused", id)
					}
				}
				if attrv(in, "name") == "code" {
					for k, v := range map[string]string{"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "maxlength": "6", "type": "text"} {
						if got := attrv(in, k); got != v {
							t.Errorf("code input %s=%q, want %q", k, got, v)
						}
					}
					if _, ok := attr(in, "required"); !ok {
						t.Error("code input not required")
					}
				}
			}

			// Ids are unique; headings do not skip levels.
			seen := map[string]bool{}
			for _, n := range all(doc, func(n *html.Node) bool { return attrv(n, "id") != "" }) {
				if id := attrv(n, "id"); seen[id] {
					t.Errorf("duplicate id %q", id)
				} else {
					seen[id] = true
				}
			}
			level := 0
			for _, h := range all(doc, func(n *html.Node) bool { return regexp.MustCompile(`^h[1-6]$`).MatchString(n.Data) }) {
				l := int(h.Data[1] - '0')
				if l > level+1 {
					t.Errorf("heading %s %q skips a level after h%d", h.Data, text(h), level)
				}
				level = l
			}

			// Links: text, and only http(s)/relative/data-download targets.
			for _, a := range all(doc, tag("a")) {
				href := attrv(a, "href")
				if strings.TrimSpace(text(a)) == "" {
					t.Errorf("link %q without text", href)
				}
				if strings.HasPrefix(href, "data:") {
					if _, ok := attr(a, "download"); !ok {
						t.Errorf("data: link without download: %.40q", href)
					}
					continue
				}
				if hasClass(a, "mfa-otpauth-link") && strings.HasPrefix(href, "otpauth://") {
					continue // the hand-off to an authenticator app on the same device
				}
				if u, err := url.Parse(href); err != nil || (u.Scheme != "" && u.Scheme != "https" && u.Scheme != "http") {
					t.Errorf("link to %q", href)
				}
			}
			// The skip link points at the main landmark.
			skip := all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-skip-link") })
			if len(skip) != 1 || attrv(skip[0], "href") != "#mfa-main" {
				t.Error("skip link missing")
			}
		})
	}
}

// TestFlashRoles checks the live-region roles and that meaning is not carried by colour alone.
func TestFlashRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind   FlashKind
		role   string
		prefix string
	}{
		{FlashSuccess, "status", "Success: "},
		{FlashError, "alert", "Error: "},
		{FlashInfo, "status", "Note: "},
		{"", "status", "Note: "},
		{"bogus", "status", "Note: "},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			doc := parse(t, render(t, FlashMessage(Classes{}, Flash{Kind: tt.kind, Message: "Hello"})))
			divs := all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-flash") })
			if len(divs) != 1 || attrv(divs[0], "role") != tt.role {
				t.Fatalf("role = %q, want %q", attrv(divs[0], "role"), tt.role)
			}
			if got := text(all(divs[0], tag("p"))[0]); got != tt.prefix+"Hello" {
				t.Errorf("text = %q", got)
			}
		})
	}
	if out := render(t, FlashMessage(Classes{}, Flash{Kind: FlashError})); out != "" {
		t.Errorf("empty flash rendered %q", out)
	}
}

// ---- hostile host-supplied strings ------------------------------------------------------------

const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `" onmouseover="alert(1)`
	bidi      = "\u202egnp.exe\u202c"
	jsURL     = "javascript:alert(1)"
)

func TestHostileStringsAreEscaped(t *testing.T) {
	t.Parallel()
	hostile := xssScript + xssAttr + bidi + " " + jsURL
	meta := testMeta()
	meta.AppName = hostile
	meta.HomeURL = jsURL
	meta.StylesheetURL = "javascript:alert('css')"
	meta.ScriptURL = " JavaScript:alert('js')"
	jsForm := &Form{Action: jsURL, Fields: hiddenFields}
	g := FactorGroup{ID: hostile, Kinds: []Kind{KindSMS, KindVoice}, Label: hostile, Name: hostile, RemoveURL: jsURL, CreatedAt: added}
	pages := []struct {
		name string
		c    templ.Component
	}{
		{"list", List(ListPage{Meta: meta, Flash: Flash{Kind: FlashError, Message: hostile}, Groups: []FactorGroup{g, {Kinds: []Kind{KindTOTP}, Name: jsURL, RemoveURL: RemoveHref(base, hostile)}}, Recovery: RecoveryStatus{Enabled: true, Help: hostile}, Add: []EnrollChoice{
			{Kind: KindTOTP, Label: hostile, Description: hostile, Start: Action{Href: jsURL}},
			{Kind: KindSMS, Start: Action{Form: jsForm}},
			{Kind: KindVoice, Start: Action{Href: "  javascript:alert(2)"}},
			{Kind: KindEmail, Start: Action{Href: "data:text/html,<script>alert(3)</script>"}},
		}})},
		{"totp", TOTP(TOTPPage{Meta: meta, QR: QR{Content: hostile, Label: hostile}, Secret: hostile, Issuer: hostile, Account: hostile, Confirm: form(base + "/c"), Code: CodeInput{Error: hostile, Hint: hostile, Label: hostile}, Cancel: Action{Label: hostile, Href: jsURL}})},
		{"phone", Phone(PhonePage{Meta: meta, Kind: KindSMS, Form: form(base + "/p"), Phone: hostile, Error: hostile, Example: hostile, Cancel: Action{Form: jsForm}})},
		{"email", Email(EmailPage{Meta: meta, Form: form(base + "/e"), Email: hostile, Error: hostile})},
		{"code", Code(CodePage{Meta: meta, Kind: KindSMS, Destination: hostile, Confirm: form(base + "/c"), Resend: Resend{Form: *jsForm, Remaining: 3}})},
		{"push", Push(PushPage{Meta: meta, QR: QR{Content: hostile}, RefreshSeconds: 5, RefreshURL: jsURL, Cancel: Action{Href: jsURL}})},
		{"push-offsite", Push(PushPage{Meta: meta, QR: QR{Content: "x"}, RefreshSeconds: 3, RefreshURL: "//evil.example/poll"})},
		{"push-approved", Push(PushPage{Meta: meta, State: PushApproved, Next: Action{Label: hostile, Href: jsURL}})},
		{"recovery", RecoveryCode(RecoveryCodePage{Meta: meta, Code: hostile, FileName: hostile, Saved: form(base + "/s")})},
		{"recovery-none", RecoveryCode(RecoveryCodePage{Meta: meta, Message: hostile, Saved: *jsForm})},
		{"remove", Remove(RemovePage{Meta: meta, Group: g, Confirm: form(base + "/r"), Cancel: Action{Href: jsURL}})},
		{"remove-blocked", Remove(RemovePage{Meta: meta, Group: g, Blocked: true, BlockedMessage: hostile, Cancel: Action{Href: jsURL}})},
		{"error", Error(ErrorPage{Meta: meta, Title: hostile, Message: hostile, Next: Action{Href: jsURL}})},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			out := render(t, p.c)
			if strings.Contains(out, "<script>alert") || strings.Contains(out, `onmouseover="`) {
				t.Errorf("markup injected:\n%s", out)
			}
			doc := parse(t, out)
			for _, n := range all(doc, func(*html.Node) bool { return true }) {
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(a.Key, "on") {
						t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
					}
					if strings.HasPrefix(v, "data:") && !(n.Data == "a" && strings.HasPrefix(v, "data:text/plain;charset=utf-8,")) {
						t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
					}
					if strings.Contains(v, "evil.example") {
						t.Errorf("off-site URL rendered: <%s %s=%q>", n.Data, a.Key, a.Val)
					}
				}
				if n.Data == "script" || n.Data == "style" || n.Data == "iframe" || n.Data == "object" {
					if n.Data != "script" || attrv(n, "src") == "" || strings.Contains(strings.ToLower(attrv(n, "src")), "javascript") {
						t.Errorf("unexpected <%s>", n.Data)
					}
				}
			}
			if s := all(doc, tag("script")); len(s) > 0 {
				t.Errorf("the javascript: script URL was rendered: %q", attrv(s[0], "src"))
			}
			if s := all(doc, func(n *html.Node) bool { return n.Data == "link" && attrv(n, "rel") == "stylesheet" }); len(s) > 0 {
				t.Errorf("the javascript: stylesheet URL was rendered: %q", attrv(s[0], "href"))
			}
			// Hostile text comes through as text.
			if !strings.Contains(text(doc), xssScript) && p.name != "push-offsite" && p.name != "recovery" {
				t.Error("hostile text is missing from the page text (should be escaped, not dropped)")
			}
			// Bidi overrides in masked names are isolated.
			for _, n := range all(doc, func(n *html.Node) bool {
				return strings.Contains(text(n), "\u202e") && n.FirstChild != nil && n.FirstChild.Type == html.TextNode && strings.Contains(n.FirstChild.Data, "\u202e")
			}) {
				if n.Data == "bdi" || n.Data == "title" || ancestor(n, "bdi") != nil {
					continue
				}
				if hasClass(n, "mfa-factor-name") || hasClass(n, "mfa-factor-meta") {
					t.Errorf("masked name with bidi controls not isolated in <bdi>: <%s class=%q>", n.Data, attrv(n, "class"))
				}
			}
			for _, r := range all(doc, func(n *html.Node) bool { return n.Data == "meta" && attrv(n, "http-equiv") == "refresh" }) {
				if c := attrv(r, "content"); strings.Contains(c, "url=") {
					t.Errorf("unsafe refresh URL kept: %q", c)
				}
			}
		})
	}
}

func TestRemoveLinkNeverCarriesHostileText(t *testing.T) {
	t.Parallel()
	doc := parse(t, render(t, FactorTable(Classes{}, []FactorGroup{{Kinds: []Kind{KindTOTP}, Name: jsURL, RemoveURL: RemoveHref(base, `a&b"<c>`)}})))
	links := all(doc, tag("a"))
	if len(links) != 1 {
		t.Fatalf("want one Remove link, got %d", len(links))
	}
	if got, want := attrv(links[0], "href"), base+"/remove?id=a%26b%22%3Cc%3E"; got != want {
		t.Errorf("href = %q, want %q", got, want)
	}
	// The masked name is text, never a link.
	for _, a := range links {
		if strings.Contains(attrv(a, "href"), "javascript") {
			t.Error("name became a link")
		}
	}
}

// ---- classes ----------------------------------------------------------------------------------

// hookOf maps each Classes field to its stable hook class.
var hookOf = map[string]string{
	"Body": "mfa-body", "SkipLink": "mfa-skip-link", "Nav": "mfa-nav", "Main": "mfa-main",
	"Page": "mfa-page", "Header": "mfa-header", "Title": "mfa-title", "Lead": "mfa-lead",
	"Eyebrow": "mfa-eyebrow", "Section": "mfa-section", "SectionTitle": "mfa-section-title",
	"Text": "mfa-text", "Note": "mfa-note", "Steps": "mfa-steps", "Step": "mfa-step",
	"StepTitle": "mfa-step-title", "Actions": "mfa-actions", "Badge": "mfa-badge",
	"Empty": "mfa-empty", "Status": "mfa-status", "Icon": "mfa-icon",
	"VisuallyHidden": "mfa-visually-hidden",
	"Button":         "mfa-btn", "ButtonPrimary": "mfa-btn-primary", "ButtonSecondary": "mfa-btn-secondary",
	"ButtonDanger": "mfa-btn-danger", "Link": "mfa-link", "CopyButton": "mfa-copy", "PrintButton": "mfa-print",
	"Form": "mfa-form", "Field": "mfa-field", "Label": "mfa-label", "Input": "mfa-input",
	"CodeInput": "mfa-input-code", "InputInvalid": "mfa-input-invalid", "Hint": "mfa-hint",
	"FieldError": "mfa-field-error", "Checkbox": "mfa-checkbox",
	"Flash": "mfa-flash", "FlashSuccess": "mfa-flash-success", "FlashError": "mfa-flash-error", "FlashInfo": "mfa-flash-info",
	"Table": "mfa-table", "FactorName": "mfa-factor-name", "FactorMeta": "mfa-factor-meta",
	"Choices": "mfa-choices", "Choice": "mfa-choice", "Nudge": "mfa-nudge",
	"QR": "mfa-qr", "Secret": "mfa-secret", "Code": "mfa-recovery-code", "Print": "mfa-printable", "Meta": "mfa-details",
}

func TestClassesAppearNextToStableHooks(t *testing.T) {
	t.Parallel()
	var c Classes
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if _, ok := hookOf[name]; !ok {
			t.Fatalf("Classes.%s has no hook in this test's table", name)
		}
		v.Field(i).SetString("host-" + strings.ToLower(name) + " x-shared")
	}
	meta := testMeta()
	meta.Classes = c
	pages := samplePages(meta)
	pages = append(pages, page{name: "info-flash", c: List(ListPage{Meta: meta, Flash: Flash{Message: "hi"}})},
		page{name: "nudge", c: Nudge(NudgeProps{Classes: c, Deadline: time.Now(), SetUp: "/account/mfa/", Dismiss: &Form{Action: "/account/mfa/nudge/dismiss"}})})
	used := map[string]bool{}
	for _, p := range pages {
		doc := parse(t, render(t, p.c))
		for _, n := range all(doc, func(n *html.Node) bool { return attrv(n, "class") != "" }) {
			for _, cl := range classes(n) {
				field, ok := strings.CutPrefix(cl, "host-")
				if !ok {
					continue
				}
				var name string
				for k := range hookOf {
					if strings.ToLower(k) == field {
						name = k
					}
				}
				if name == "" {
					t.Fatalf("unknown class %q", cl)
				}
				used[name] = true
				if !hasClass(n, hookOf[name]) {
					t.Errorf("%s: <%s class=%q> has the host class without its hook %q", p.name, n.Data, attrv(n, "class"), hookOf[name])
				}
			}
			// And the other way: a hook never appears without the host's class.
			for name, hook := range hookOf {
				if hasClass(n, hook) && !hasClass(n, "host-"+strings.ToLower(name)) {
					t.Errorf("%s: <%s class=%q> has hook %q without the host class", p.name, n.Data, attrv(n, "class"), hook)
				}
			}
		}
	}
	for name := range hookOf {
		if !used[name] {
			t.Errorf("Classes.%s is never rendered by any page", name)
		}
	}
}

func TestDefaultClassesRenderCleanAttributes(t *testing.T) {
	t.Parallel()
	if DefaultClasses() != (Classes{}) {
		t.Error("DefaultClasses should add nothing to the stable hooks")
	}
	for _, p := range samplePages(testMeta()) {
		out := render(t, p.c)
		if strings.Contains(out, `class=""`) || regexp.MustCompile(`class="(\s[^"]*|[^"]*\s)"`).MatchString(out) {
			t.Errorf("%s: class attribute with stray white space", p.name)
		}
	}
}

func TestHostileClassValuesAreEscaped(t *testing.T) {
	t.Parallel()
	meta := testMeta()
	meta.Classes = Classes{Button: xssAttr, Page: xssScript}
	out := render(t, List(ListPage{Meta: meta, Add: []EnrollChoice{{Kind: KindTOTP, Start: Action{Href: base + "/x"}}}}))
	if strings.Contains(out, `onmouseover="`) || strings.Contains(out, "<script>") {
		t.Errorf("class value broke out of its attribute:\n%s", out)
	}
}

// ---- recovery download ------------------------------------------------------------------------

func TestRecoveryDownloadIsADataURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, wantFile string
	}{
		{"default file name", "", "recovery-code.txt"},
		{"custom file name", "example-recovery.txt", "example-recovery.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const code = "ABCD2EFGH3JKLM4NPQR5STUV"
			meta := testMeta()
			meta.AppName = "Example & Co"
			doc := parse(t, render(t, RecoveryCode(RecoveryCodePage{Meta: meta, Code: code, FileName: tt.file, Saved: form(base + "/saved")})))
			links := all(doc, func(n *html.Node) bool { _, ok := attr(n, "download"); return n.Data == "a" && ok })
			if len(links) != 1 {
				t.Fatalf("want one download link, got %d", len(links))
			}
			if got := attrv(links[0], "download"); got != tt.wantFile {
				t.Errorf("download = %q, want %q", got, tt.wantFile)
			}
			href := attrv(links[0], "href")
			rest, ok := strings.CutPrefix(href, "data:text/plain;charset=utf-8,")
			if !ok || strings.Contains(href, "about:invalid") {
				t.Fatalf("href was sanitized or changed: %q", href)
			}
			body, err := url.PathUnescape(rest)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, "\r\n"+code+"\r\n") || !strings.Contains(body, "Example & Co") {
				t.Errorf("file body = %q", body)
			}
			if strings.ContainsAny(rest, " \r\n<>\"'&#") {
				t.Errorf("data URL not fully percent-encoded: %q", rest)
			}
			// The code itself is shown grouped, and the copy button copies it without spaces.
			codeEl := byID(doc, "mfa-recovery-code")
			if codeEl == nil || text(codeEl) != "ABCD 2EFG H3JK LM4N PQR5 STUV" || attrv(codeEl, "data-mfa-value") != code {
				t.Errorf("code element = %v %q", codeEl != nil, text(codeEl))
			}
			// Copy and print wait for the script; download and the confirmation never do.
			for _, b := range all(doc, func(n *html.Node) bool {
				_, c := attr(n, "data-mfa-copy")
				_, p := attr(n, "data-mfa-print")
				return c || p
			}) {
				if _, hidden := attr(b, "hidden"); !hidden {
					t.Errorf("script-only button %q is not hidden without the script", text(b))
				}
			}
			box := all(doc, func(n *html.Node) bool { return n.Data == "input" && attrv(n, "type") == "checkbox" })
			if len(box) != 1 || attrv(box[0], "name") != "saved" {
				t.Fatal("no saved checkbox")
			}
			if _, ok := attr(box[0], "required"); !ok {
				t.Error("the saved checkbox is not required")
			}
		})
	}
}

func TestRecoveryNoCodeVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason NoCodeReason
		msg    string
		want   string
	}{
		{NoCodeDisabled, "", "doesn't use recovery codes"},
		{NoCodeEarlier, "", "earlier setup that wasn't finished"},
		{"", "", "add a second one as a backup"},
		{NoCodeEarlier, "Custom words.", "Custom words."},
	}
	for _, tt := range tests {
		t.Run(string(tt.reason)+tt.msg, func(t *testing.T) {
			t.Parallel()
			out := render(t, RecoveryCode(RecoveryCodePage{Meta: testMeta(), Reason: tt.reason, Message: tt.msg, Saved: form(base + "/saved")}))
			doc := parse(t, out)
			if !strings.Contains(text(doc), tt.want) {
				t.Errorf("missing %q", tt.want)
			}
			if len(all(doc, func(n *html.Node) bool { _, ok := attr(n, "download"); return ok })) != 0 {
				t.Error("no-code variant offers a download")
			}
		})
	}
}

// ---- page details -----------------------------------------------------------------------------

func TestListGroupsAndChoices(t *testing.T) {
	t.Parallel()
	pages := samplePages(testMeta())
	doc := parse(t, render(t, pages[0].c))
	body := text(doc)
	for _, want := range []string{
		"Phone", "+1 ••• ••• 4567", "Auth0 Guardian app", "Pixel 8",
		"3 January 2026", "Last used 14 February 2026", "Recovery code: set up", "Recommended", "Less secure",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("list page lacks %q", want)
		}
	}
	rows := all(doc, func(n *html.Node) bool { return n.Data == "tr" && ancestor(n, "tbody") != nil })
	if len(rows) != 4 {
		t.Errorf("want 4 grouped rows, got %d", len(rows))
	}
	// Choices: authenticator app first, email last, each with a distinct accessible name.
	var titles []string
	for _, h := range all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-choice-title") }) {
		titles = append(titles, strings.Fields(text(h))[0])
	}
	if got := strings.Join(titles, ","); got != "Authenticator,Text,Voice,Auth0,Email" {
		t.Errorf("choice order = %s", got)
	}
	names := map[string]bool{}
	for _, b := range all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-btn") && ancestor(n, "ul") != nil }) {
		name := strings.Join(strings.Fields(text(b)), " ")
		if names[name] {
			t.Errorf("duplicate accessible name %q", name)
		}
		names[name] = true
	}
	if !names["Set up Authenticator app"] {
		t.Errorf("accessible names = %v", names)
	}
	// The weaker choices say so (NIST SP 800-63B: phone codes restricted, email not an OOB
	// factor); the app does not (T43, T44).
	seen := 0
	for _, ch := range all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-choice") }) {
		choice := strings.TrimSpace(text(ch))
		seen++
		weak := strings.Contains(choice, "Less secure")
		switch {
		case strings.HasPrefix(choice, "Text") || strings.HasPrefix(choice, "Voice"):
			if !weak || !strings.Contains(choice, "SIM swap") {
				t.Errorf("phone choice without its risk: %q", choice)
			}
		case strings.HasPrefix(choice, "Email"):
			if !weak {
				t.Errorf("email choice not labelled weaker: %q", choice)
			}
		case strings.HasPrefix(choice, "Authenticator"):
			if weak {
				t.Errorf("the authenticator app is labelled less secure: %q", choice)
			}
		default:
			seen--
		}
	}
	if seen != 4 {
		t.Errorf("checked %d of the app, text, voice and email choices", seen)
	}

	empty := text(parse(t, render(t, pages[1].c)))
	for _, want := range []string{"You haven't added a second sign-in method yet.", "Recovery code: not set up", "You'll get a recovery code when you add your first method."} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty list lacks %q", want)
		}
	}
	noRecovery := text(parse(t, render(t, pages[2].c)))
	if strings.Contains(noRecovery, "Recovery code:") {
		t.Error("recovery status shown although recovery codes are off")
	}
	if !strings.Contains(noRecovery, "no other methods you can add") {
		t.Error("no-choices text missing")
	}
}

func TestTOTPPage(t *testing.T) {
	t.Parallel()
	out := render(t, samplePages(testMeta())[3].c)
	doc := parse(t, out)
	svgs := all(doc, tag("svg"))
	var qr *html.Node
	for _, s := range svgs {
		if attrv(s, "role") == "img" {
			qr = s
		}
	}
	if qr == nil || attrv(qr, "aria-label") != "QR code to scan with your authenticator app" || ancestor(qr, "figure") == nil {
		t.Fatal("inline QR svg missing")
	}
	if len(all(qr, tag("path"))) != 1 {
		t.Error("QR should be a single path")
	}
	if len(all(doc, tag("img"))) != 0 {
		t.Error("QR must not be an <img> (no second request, no data: image)")
	}
	secret := byID(doc, "mfa-secret")
	if secret == nil || text(secret) != "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP" || secret.Data != "code" {
		t.Errorf("secret = %q", text(secret))
	}
	copyBtn := all(doc, func(n *html.Node) bool { return attrv(n, "data-mfa-copy") == "mfa-secret" })
	if len(copyBtn) != 1 || attrv(copyBtn[0], "type") != "button" {
		t.Error("copy button for the secret missing")
	}

	// The error variant ties the error text to the field.
	doc = parse(t, render(t, samplePages(testMeta())[4].c))
	in := byID(doc, "mfa-code")
	if in == nil || attrv(in, "aria-invalid") != "true" || attrv(in, "aria-describedby") != "mfa-code-error" {
		t.Fatalf("code input = %+v", in)
	}
	if e := byID(doc, "mfa-code-error"); e == nil || !strings.Contains(text(e), "That code didn't work") {
		t.Error("error text missing")
	}
}

func TestUnencodableQRFallsBack(t *testing.T) {
	t.Parallel()
	out := render(t, QRCode(Classes{}, QR{Content: strings.Repeat("x", 5000)}))
	if strings.Contains(out, "<svg") || !strings.Contains(out, "Use the key below instead") {
		t.Errorf("fallback = %s", out)
	}
	custom := render(t, QRCode(Classes{}, QR{SVG: templ.Raw(`<svg id="mine"></svg>`)}))
	if !strings.Contains(custom, `<svg id="mine"></svg>`) {
		t.Error("pre-rendered SVG not used")
	}
}

func TestCodePageResendStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		resend     Resend
		wantButton string
		wantText   string
	}{
		{"remaining", Resend{Form: form(base + "/resend"), Remaining: 2}, "Send a new code (2 left)", "Only the newest code works."},
		{"unknown count", Resend{Form: form(base + "/resend"), Remaining: -1}, "Send a new code", ""},
		{"wait", Resend{Form: form(base + "/resend"), Remaining: 3, Wait: 61 * time.Second}, "", "You can ask for a new code in 2 minutes."},
		{"none left", Resend{Form: form(base + "/resend"), Remaining: 0}, "", "You can't ask for another code right now."},
		{"no resend", Resend{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := parse(t, render(t, Code(CodePage{Meta: testMeta(), Kind: KindSMS, Destination: "+1 ••• 4567", ExpiresIn: 5 * time.Minute, Confirm: form(base + "/confirm"), Resend: tt.resend})))
			var buttons []string
			for _, b := range all(doc, tag("button")) {
				buttons = append(buttons, strings.Join(strings.Fields(text(b)), " "))
			}
			joined := strings.Join(buttons, "|")
			if tt.wantButton != "" && !strings.Contains(joined, tt.wantButton) {
				t.Errorf("buttons %q lack %q", joined, tt.wantButton)
			}
			if tt.wantButton == "" && strings.Contains(joined, "new code") {
				t.Errorf("unexpected resend button: %q", joined)
			}
			body := text(doc)
			if tt.wantText != "" && !strings.Contains(body, tt.wantText) {
				t.Errorf("page lacks %q", tt.wantText)
			}
			if !strings.Contains(body, "The code expires in 5 minutes.") || !strings.Contains(body, "+1 ••• 4567") {
				t.Error("destination or expiry note missing")
			}
		})
	}
}

func TestPushStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state    PushState
		title    string
		next     string
		checkNow bool
	}{
		{"", "Set up the Auth0 Guardian app", "", true},
		{PushWaiting, "Set up the Auth0 Guardian app", "", true},
		{PushApproved, "Guardian app added", "Continue", false},
		{PushRejected, "Guardian app not added", "Start again", false},
		{PushExpired, "Setup timed out", "Start again", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			t.Parallel()
			doc := parse(t, render(t, Push(PushPage{Meta: testMeta(), State: tt.state, QR: QR{Content: "otpauth://x"}, RefreshSeconds: 5, RefreshURL: base + "/poll", Next: Action{Href: base + "/next"}})))
			if h := text(all(doc, tag("h1"))[0]); h != tt.title {
				t.Errorf("h1 = %q", h)
			}
			refresh := all(doc, func(n *html.Node) bool { return attrv(n, "http-equiv") == "refresh" })
			if (len(refresh) == 1) != tt.checkNow {
				t.Errorf("refresh present = %v", len(refresh) == 1)
			}
			var check, next bool
			for _, a := range all(doc, tag("a")) {
				if text(a) == "Check now" && attrv(a, "href") == base+"/poll" {
					check = true
				}
				if tt.next != "" && strings.TrimSpace(text(a)) == tt.next && attrv(a, "href") == base+"/next" {
					next = true
				}
			}
			if check != tt.checkNow {
				t.Errorf("check-now link = %v", check)
			}
			if tt.next != "" && !next {
				t.Errorf("next step %q missing", tt.next)
			}
		})
	}
	// No refresh when RefreshSeconds is 0.
	doc := parse(t, render(t, Push(PushPage{Meta: testMeta(), QR: QR{Content: "x"}, RefreshURL: base + "/poll"})))
	if len(all(doc, func(n *html.Node) bool { return attrv(n, "http-equiv") == "refresh" })) != 0 {
		t.Error("refresh rendered with RefreshSeconds 0")
	}
}

func TestRemovePage(t *testing.T) {
	t.Parallel()
	pages := samplePages(testMeta())
	doc := parse(t, render(t, pages[18].c))
	body := text(doc)
	if !strings.Contains(body, "removing it turns off both") {
		t.Error("pair explanation missing")
	}
	ids := all(doc, func(n *html.Node) bool { return n.Data == "input" && attrv(n, "name") == "id" })
	if len(ids) != 1 || attrv(ids[0], "value") != "sms|dev_b" || attrv(ids[0], "type") != "hidden" {
		t.Error("hidden id missing")
	}
	if btn := all(doc, func(n *html.Node) bool { return hasClass(n, "mfa-btn-danger") }); len(btn) != 1 || btn[0].Data != "button" {
		t.Error("danger submit missing")
	}

	blocked := parse(t, render(t, pages[19].c))
	if len(all(blocked, tag("form"))) != 0 || !strings.Contains(text(blocked), "Add another method first") {
		t.Error("blocked variant must explain and offer no removal form")
	}
	back := all(blocked, tag("a"))
	if b := back[len(back)-1]; strings.TrimSpace(text(b)) != "Back" || attrv(b, "href") != base {
		t.Errorf("back link = %q %q", text(b), attrv(b, "href"))
	}

	single := text(parse(t, render(t, Remove(RemovePage{Meta: testMeta(), Group: FactorGroup{Kinds: []Kind{KindTOTP}}, Confirm: form(base + "/r")}))))
	if strings.Contains(single, "turns off both") {
		t.Error("pair note on a single factor")
	}
	push := text(parse(t, render(t, Remove(RemovePage{Meta: testMeta(), Group: FactorGroup{Kinds: []Kind{KindPush, KindTOTP}}, Confirm: form(base + "/r")}))))
	if !strings.Contains(push, "notifications and codes") {
		t.Error("push pair note missing")
	}
}

func TestErrorPageHasNoDetailsAndANextStep(t *testing.T) {
	t.Parallel()
	pages := samplePages(testMeta())
	doc := parse(t, render(t, pages[20].c))
	if !strings.Contains(text(doc), "Error 403") {
		t.Error("status missing")
	}
	links := all(doc, func(n *html.Node) bool { return n.Data == "a" && hasClass(n, "mfa-btn-primary") })
	if len(links) != 1 || strings.TrimSpace(text(links[0])) != "Sign in again" {
		t.Error("next step missing")
	}
	def := parse(t, render(t, pages[21].c))
	if h := text(all(def, tag("h1"))[0]); h != "Something went wrong" {
		t.Errorf("default title %q", h)
	}
	links = all(def, func(n *html.Node) bool { return n.Data == "a" && hasClass(n, "mfa-btn-primary") })
	if len(links) != 1 || attrv(links[0], "href") != base {
		t.Error("default next step should go back to the base path")
	}
	if strings.Contains(text(def), "Error ") {
		t.Error("status shown although zero")
	}
}

// ---- layout and views -------------------------------------------------------------------------

func hostLayout(meta PageMeta, body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := fmt.Fprintf(w, `<html><head><title>HOST %s</title>`, html.EscapeString(meta.Title)); err != nil {
			return err
		}
		if meta.HeadExtra != nil {
			if err := meta.HeadExtra.Render(ctx, w); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, `</head><body><header>HOST CHROME</header>`); err != nil {
			return err
		}
		if err := body.Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</body></html>`)
		return err
	})
}

func TestLayoutWraps(t *testing.T) {
	t.Parallel()
	meta := testMeta()
	meta.Layout = hostLayout
	out := render(t, Push(PushPage{Meta: meta, QR: QR{Content: "x"}, RefreshSeconds: 7, RefreshURL: base + "/poll"}))
	for _, want := range []string{"<title>HOST Set up the Auth0 Guardian app</title>", "HOST CHROME", `<meta http-equiv="refresh" content="7;url=/account/mfa/poll">`, `<h1 class="mfa-title">`} {
		if !strings.Contains(out, want) {
			t.Errorf("host layout output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "mfa-skip-link") {
		t.Error("default layout used although the host's was set")
	}

	// Without a stylesheet URL there is no <link>; HeadExtra from the host is kept.
	meta = testMeta()
	meta.StylesheetURL = ""
	meta.ScriptURL = ""
	meta.HomeURL = ""
	meta.Lang = "de"
	meta.HeadExtra = templ.Raw(`<link rel="icon" href="/favicon.ico">`)
	doc := parse(t, render(t, Error(ErrorPage{Meta: meta})))
	if len(all(doc, func(n *html.Node) bool { return n.Data == "link" && attrv(n, "rel") == "stylesheet" })) != 0 {
		t.Error("stylesheet link without a URL")
	}
	if len(all(doc, tag("script"))) != 0 || len(all(doc, tag("nav"))) != 0 {
		t.Error("script or nav without a URL")
	}
	if len(all(doc, func(n *html.Node) bool {
		return n.Data == "link" && attrv(n, "rel") == "icon" && ancestor(n, "head") != nil
	})) != 1 {
		t.Error("host HeadExtra missing from <head>")
	}
	if attrv(all(doc, tag("html"))[0], "lang") != "de" {
		t.Error("Lang ignored")
	}
	if text(all(doc, tag("title"))[0]) != "Something went wrong – Example" {
		t.Error("title")
	}

	// With one: the link is in the head, with the hashed name.
	doc = parse(t, render(t, Error(ErrorPage{Meta: testMeta()})))
	links := all(doc, func(n *html.Node) bool { return n.Data == "link" && attrv(n, "rel") == "stylesheet" })
	if len(links) != 1 || attrv(links[0], "href") != base+"/static/"+StylesheetFile() || ancestor(links[0], "head") == nil {
		t.Error("stylesheet link missing")
	}
	scripts := all(doc, tag("script"))
	if len(scripts) != 1 || attrv(scripts[0], "src") != base+"/static/"+ScriptFile() {
		t.Error("script missing")
	}
	if _, ok := attr(scripts[0], "defer"); !ok {
		t.Error("script not deferred")
	}
}

func TestChildrenLayout(t *testing.T) {
	t.Parallel()
	host := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, "<div id=host>"); err != nil {
			return err
		}
		if err := templ.GetChildren(ctx).Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "</div>")
		return err
	})
	meta := testMeta()
	meta.Layout = ChildrenLayout(host)
	out := render(t, Error(ErrorPage{Meta: meta}))
	if !strings.HasPrefix(out, "<div id=host><div class=\"mfa-page\">") || !strings.HasSuffix(out, "</div></div>") {
		t.Errorf("children layout output: %s", out)
	}
}

func TestWithHead(t *testing.T) {
	t.Parallel()
	a, b := templ.Raw("<a1>"), templ.Raw("<b1>")
	m := PageMeta{}.WithHead(nil)
	if m.HeadExtra != nil {
		t.Error("nil added")
	}
	m = m.WithHead(a).WithHead(b)
	if got := render(t, m.HeadExtra); got != "<a1><b1>" {
		t.Errorf("HeadExtra = %q", got)
	}
}

func TestViewsWithDefaults(t *testing.T) {
	t.Parallel()
	custom := func(ListPage) templ.Component { return templ.Raw("custom list") }
	v := Views{List: custom}.WithDefaults()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if rv.Field(i).IsNil() {
			t.Errorf("Views.%s still nil", rv.Type().Field(i).Name)
		}
	}
	if got := render(t, v.List(ListPage{})); got != "custom list" {
		t.Errorf("custom page replaced: %q", got)
	}
	if reflect.ValueOf(v.Error).Pointer() != reflect.ValueOf(Error).Pointer() {
		t.Error("defaults not the package's pages")
	}
	d := Default()
	rd := reflect.ValueOf(d)
	for i := range rd.NumField() {
		if rd.Field(i).IsNil() {
			t.Errorf("Default().%s is nil", rd.Type().Field(i).Name)
		}
	}
	// A replaced page still gets the layout through its meta.
	wrapped := Views{List: func(p ListPage) templ.Component { return p.Meta.Wrap(templ.Raw("<p>mine</p>")) }}.WithDefaults()
	meta := testMeta()
	meta.Layout = DefaultLayout
	if out := render(t, wrapped.List(ListPage{Meta: meta})); !strings.Contains(out, "<main") || !strings.Contains(out, "<p>mine</p>") {
		t.Errorf("replaced page not wrapped: %s", out)
	}
}

// ---- small helpers ---------------------------------------------------------------------------

func TestHelpers(t *testing.T) {
	t.Parallel()
	t.Run("groupSecret", func(t *testing.T) {
		t.Parallel()
		for in, want := range map[string]string{"": "", "ABC": "ABC", "ABCD": "ABCD", "ABCDE": "ABCD E", "AB CD EF GH IJ": "ABCD EFGH IJ"} {
			if got := groupSecret(in); got != want {
				t.Errorf("groupSecret(%q) = %q, want %q", in, got, want)
			}
		}
	})
	t.Run("humanDuration", func(t *testing.T) {
		t.Parallel()
		for d, want := range map[time.Duration]string{time.Second: "1 second", 0: "1 second", 45 * time.Second: "45 seconds", time.Minute: "1 minute", 61 * time.Second: "2 minutes", 5 * time.Minute: "5 minutes", time.Hour: "1 hour", 90 * time.Minute: "2 hours"} {
			if got := humanDuration(d); got != want {
				t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
			}
		}
	})
	t.Run("GroupLabel", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			kinds []Kind
			want  string
		}{
			{[]Kind{KindSMS, KindVoice}, "Phone"},
			{[]Kind{KindVoice, KindSMS}, "Phone"},
			{[]Kind{KindSMS}, "Text message"},
			{[]Kind{KindVoice}, "Voice call"},
			{[]Kind{KindTOTP}, "Authenticator app"},
			{[]Kind{KindTOTP, KindPush}, "Auth0 Guardian app"},
			{[]Kind{KindEmail}, "Email"},
			{nil, "Sign-in method"},
		} {
			if got := GroupLabel(tt.kinds); got != tt.want {
				t.Errorf("GroupLabel(%v) = %q, want %q", tt.kinds, got, tt.want)
			}
		}
	})
	t.Run("refresh", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			secs int
			u    templ.SafeURL
			want string
		}{
			{5, "/account/mfa/poll?x=1", "5;url=/account/mfa/poll?x=1"},
			{0, "/p", "1;url=/p"},
			{5, "//evil.example/", "5"},
			{5, `/\evil.example/`, "5"},
			{5, "https://evil.example/", "5"},
			{5, "javascript:alert(1)", "5"},
			{5, "/p;url=//evil.example", "5"},
			{5, "/p\nx", "5"},
			{5, "", "5"},
		} {
			if got := refreshContent(tt.secs, tt.u); got != tt.want {
				t.Errorf("refreshContent(%d, %q) = %q, want %q", tt.secs, tt.u, got, tt.want)
			}
		}
	})
	t.Run("checkURL", func(t *testing.T) {
		t.Parallel()
		for in, ok := range map[templ.SafeURL]bool{"/a": true, "https://x.example/": true, "a/b": true, "": false, "javascript:x": false, " javascript:x": false, "JAVASCRIPT:x": false, "data:text/html,x": false, "vbscript:x": false} {
			if _, got := checkURL(in); got != ok {
				t.Errorf("checkURL(%q) ok = %v, want %v", in, got, ok)
			}
		}
	})
	t.Run("RemoveHref", func(t *testing.T) {
		t.Parallel()
		if got := RemoveHref("/account/mfa/", "sms|dev_X"); got != "/account/mfa/remove?id=sms%7Cdev_X" {
			t.Errorf("RemoveHref = %q", got)
		}
	})
	t.Run("dataURLEscape", func(t *testing.T) {
		t.Parallel()
		in := "Hé llo\r\n%&#<>\"'~._-"
		out := dataURLEscape(in)
		back, err := url.PathUnescape(out)
		if err != nil || back != in {
			t.Errorf("round trip: %q -> %q -> %q (%v)", in, out, back, err)
		}
	})
}

func TestLastUsedText(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "just now"}, {59 * time.Second, "just now"}, {time.Minute, "a minute ago"}, {2*time.Minute + 59*time.Second, "2 minutes ago"},
		{time.Hour, "an hour ago"}, {23 * time.Hour, "23 hours ago"}, {24 * time.Hour, "yesterday"}, {6 * 24 * time.Hour, "6 days ago"},
		{7 * 24 * time.Hour, "7 March 2026"}, {-2 * time.Minute, "14 March 2026"},
	} {
		if got := lastUsedText(now.Add(-c.ago), now); got != c.want {
			t.Errorf("%v ago: %q, want %q", c.ago, got, c.want)
		}
	}
	if got := lastUsedText(now, time.Time{}); got != "14 March 2026" {
		t.Errorf("without now: %q", got)
	}
}

func TestNudge(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC)
	dismiss := &Form{Action: "/account/mfa/nudge/dismiss"}
	doc := parse(t, render(t, Nudge(NudgeProps{Deadline: deadline, SetUp: "/account/mfa/", Dismiss: dismiss})))
	body := text(doc)
	for _, want := range []string{"Add a second sign-in step by 14 March 2027.", "Set it up", "Remind me later"} {
		if !strings.Contains(body, want) {
			t.Errorf("the nudge lacks %q: %s", want, body)
		}
	}
	if n := len(all(doc, func(n *html.Node) bool { return n.Data == "time" && attrv(n, "datetime") == "2027-03-14" })); n != 1 {
		t.Errorf("%d <time datetime=2027-03-14>", n)
	}
	if n := len(all(doc, func(n *html.Node) bool { return n.Data == "form" && attrv(n, "method") == "post" })); n != 1 {
		t.Errorf("%d dismiss forms", n)
	}
	over := text(parse(t, render(t, Nudge(NudgeProps{Deadline: deadline, Overdue: true, SetUp: "/account/mfa/", Dismiss: dismiss}))))
	if !strings.Contains(over, "Your account now needs a second sign-in step.") || strings.Contains(over, "Remind me later") {
		t.Errorf("overdue nudge: %s", over)
	}
}
