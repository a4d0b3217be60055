package views

import (
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestStaticFS(t *testing.T) {
	t.Parallel()
	css, js := StylesheetFile(), ScriptFile()
	if !regexp.MustCompile(`^mfa\.[0-9a-f]{10}\.css$`).MatchString(css) || !regexp.MustCompile(`^mfa\.[0-9a-f]{10}\.js$`).MatchString(js) {
		t.Fatalf("hashed names %q %q", css, js)
	}
	if err := fstest.TestFS(Static(), StylesheetName, ScriptName, css, js); err != nil {
		t.Fatal(err)
	}
	for plain, hashed := range map[string]string{StylesheetName: css, ScriptName: js} {
		a, err := fs.ReadFile(Static(), plain)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fs.ReadFile(Static(), hashed)
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) || len(a) == 0 {
			t.Errorf("%s and %s differ", plain, hashed)
		}
	}
	for _, bad := range []string{"static/mfa.css", "../mfa.css", "mfa.00000000.css", "nope.js", "/mfa.css"} {
		if _, err := fs.ReadFile(Static(), bad); err == nil {
			t.Errorf("Static served %q", bad)
		}
	}
}

func TestStaticServesOverHTTP(t *testing.T) {
	t.Parallel()
	h := http.StripPrefix("/account/mfa/static/", http.FileServerFS(Static()))
	for name, ctype := range map[string]string{StylesheetFile(): "text/css", StylesheetName: "text/css", ScriptFile(): "text/javascript", ScriptName: "text/javascript"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/account/mfa/static/"+name, nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), ctype) || rec.Body.Len() == 0 {
			t.Errorf("GET %s: %d %q (%d bytes)", name, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/account/mfa/static/mfa.0000000000.css", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown asset: %d", rec.Code)
	}
}

func TestAssetsAreSelfContained(t *testing.T) {
	t.Parallel()
	css, _ := fs.ReadFile(Static(), StylesheetName)
	js, _ := fs.ReadFile(Static(), ScriptName)
	for _, bad := range []string{"@import", "http:", "https:", "//fonts.", "expression("} {
		if strings.Contains(string(css), bad) {
			t.Errorf("stylesheet contains %q", bad)
		}
	}
	for _, want := range []string{"prefers-color-scheme: dark", "@media print", ":focus-visible", "[hidden]"} {
		if !strings.Contains(string(css), want) {
			t.Errorf("stylesheet lacks %q", want)
		}
	}
	for _, bad := range []string{"eval(", "innerHTML", "fetch(", "XMLHttpRequest", "http:", "https:", "document.write", "new Function", "setAttribute(\"on"} {
		if strings.Contains(string(js), bad) {
			t.Errorf("script contains %q", bad)
		}
	}
}

// TestStylesheetContrast checks the WCAG 2.1 contrast of the default palette, in both schemes:
// 4.5:1 for text, 3:1 for input borders and focus rings.
func TestStylesheetContrast(t *testing.T) {
	t.Parallel()
	css, _ := fs.ReadFile(Static(), StylesheetName)
	s := string(css)
	light := cssVars(t, s[strings.Index(s, ":root {"):])
	darkAt := strings.Index(s, "@media (prefers-color-scheme: dark)")
	dark := map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	for k, v := range cssVars(t, s[darkAt:]) {
		dark[k] = v
	}
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"text", "bg", 4.5}, {"text", "surface", 4.5},
		{"muted", "bg", 4.5}, {"muted", "surface", 4.5},
		{"on-primary", "primary", 4.5}, {"on-primary", "primary-hover", 4.5},
		{"on-danger", "danger", 4.5}, {"on-danger", "danger-hover", 4.5},
		{"primary", "surface", 4.5}, {"primary", "bg", 4.5}, {"primary", "primary-tint", 4.5},
		{"success-fg", "success-bg", 4.5}, {"error-fg", "error-bg", 4.5},
		{"info-fg", "info-bg", 4.5}, {"warn-fg", "warn-bg", 4.5},
		{"error-fg", "surface", 4.5}, {"success-fg", "surface", 4.5},
		{"input-border", "surface", 3}, {"focus", "bg", 3}, {"focus", "surface", 3},
	}
	for scheme, vars := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			fg, bg := vars[p.fg], vars[p.bg]
			if fg == "" || bg == "" {
				t.Fatalf("%s: --mfa-%s or --mfa-%s missing", scheme, p.fg, p.bg)
			}
			if r := contrast(t, fg, bg); r < p.min {
				t.Errorf("%s: --mfa-%s %s on --mfa-%s %s = %.2f:1, want ≥ %.1f:1", scheme, p.fg, fg, p.bg, bg, r, p.min)
			}
		}
	}
}

// cssVars reads the --mfa-* custom properties of the first block in s.
func cssVars(t *testing.T, s string) map[string]string {
	t.Helper()
	end := strings.Index(s, "}")
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--mfa-([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;`).FindAllStringSubmatch(s[:end], -1) {
		vars[m[1]] = m[2]
	}
	if len(vars) < 10 {
		t.Fatalf("found only %d colour variables", len(vars))
	}
	return vars
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(t *testing.T, hex string) float64 {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	var c [3]float64
	for i := range 3 {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		x := float64(v) / 255
		if x <= 0.03928 {
			c[i] = x / 12.92
		} else {
			c[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
