package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core's browser build, installed by `npm ci --prefix example/e2e` (package.json
// and package-lock.json pin the version). Tests run in the package directory.
const axePath = "node_modules/axe-core/axe.min.js"

// axeTags are the rule sets every page must pass.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeSource reads axe.min.js once per test binary.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	if err != nil {
		return "", fmt.Errorf("axe-core is not installed (%v): run scripts/test.sh, or `npm ci --prefix example/e2e --no-audit --no-fund`", err)
	}
	return string(b), nil
})

// knownViolations are axe findings the suite reports but does not fail on, each tracked for a
// fix in the package named. Remove an entry when its fix lands: the test then guards it.
var knownViolations = []struct{ page, rule, why string }{}

func knownViolation(page, rule string) string {
	for _, k := range knownViolations {
		if strings.HasPrefix(page, k.page) && k.rule == rule {
			return k.why
		}
	}
	return ""
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

type axeResult struct {
	Version    string         `json:"version"`
	URL        string         `json:"url"`
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
}

// axe injects axe-core into the current page, runs the WCAG 2.0/2.1 A and AA rules, saves the
// result as file+"-axe.json" in the artifact directory and fails the test on any violation.
func (b *tab) axe(name, file string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	tags, _ := json.Marshal(axeTags)
	script := `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}});
  return JSON.stringify({
    version: axe.version, url: location.href, passes: r.passes.length,
    incomplete: r.incomplete.map(i => i.id),
    violations: r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary || ''}))})),
  });
})()`
	var res axeResult
	for attempt := 0; ; attempt++ {
		ctx, cancel := b.stepCtx()
		// Injected through the DevTools protocol, which the page's Content-Security-Policy does
		// not govern; the page itself still runs under its CSP.
		err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) {`+src+"\n}"))
		var out string
		if err == nil {
			out, err = chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
		}
		cancel()
		if err != nil {
			if attempt < 2 && isNavigationRace(err) { // e.g. the push page refreshed itself
				continue
			}
			b.t.Fatalf("axe on %s: %v", name, err)
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			b.t.Fatalf("axe on %s: decoding the result: %v", name, err)
		}
		break
	}
	if j, err := json.MarshalIndent(res, "", "  "); err == nil {
		_ = os.WriteFile(filepath.Join(b.t.ArtifactDir(), file+"-axe.json"), j, 0o644)
	}
	browser.axe.add(name, res.Violations)
	var failing []axeViolation
	for _, v := range res.Violations {
		if why := knownViolation(name, v.ID); why != "" {
			b.t.Logf("axe %s: %s: KNOWN VIOLATION %s (not failing the test; tracked for a fix): %s", res.Version, name, v.ID, why)
			continue
		}
		failing = append(failing, v)
	}
	res.Violations = failing
	if len(res.Violations) == 0 {
		b.t.Logf("axe %s: %s: 0 violations (%d rules passed, needs review: %s)", res.Version, name, res.Passes, strings.Join(res.Incomplete, ","))
		return
	}
	var sb strings.Builder
	for _, v := range res.Violations {
		fmt.Fprintf(&sb, "\n  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "\n      %s\n        %s\n        %s", n.Target, clip(n.HTML, 300), strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
	}
	b.t.Errorf("axe %s: %s (%s): %d violation(s):%s", res.Version, name, res.URL, len(res.Violations), sb.String())
}
