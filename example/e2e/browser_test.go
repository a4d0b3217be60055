package e2e

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// stepTimeout bounds one browser step (a navigation, a click and its page load, a query). Steps
// are loopback-only; a step that takes this long is broken, not slow.
const stepTimeout = 20 * time.Second

// tab is one Chromium tab in its own browser context (own cookie jar), for one test.
type tab struct {
	t     *testing.T
	ctx   context.Context
	pages int // pages loaded so far, for artifact file names
	// noScript: the tab runs no page script (newTabWithoutJavaScript), so check cannot run
	// axe; the same pages are checked in the tests with JavaScript on.
	noScript bool
}

// newTab opens a tab for t in a fresh browser context. When the test fails, the current page's
// screenshot and HTML are written to t.ArtifactDir() and their paths logged.
func newTab(t *testing.T) *tab {
	t.Helper()
	if err := browser.start(); err != nil {
		t.Fatalf("browser tests need Chromium: %v", err)
	}
	ctx, cancel := chromedp.NewContext(browser.rootCtx, chromedp.WithNewBrowserContext())
	// The first Do opens the tab and binds its life to the context it is given, so it gets ctx
	// itself, not a context with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a Chromium tab: %v (%s)", err, installHint)
	}
	b := &tab{t: t, ctx: ctx}
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "test-name.txt"), []byte(t.Name()+"\n"), 0o644)
	t.Cleanup(cancel)
	t.Cleanup(func() { // runs before cancel (cleanups are LIFO)
		if t.Failed() {
			b.captureFailure()
		}
	})
	return b
}

// captureFailure writes the page's screenshot and HTML into the artifact directory.
func (b *tab) captureFailure() {
	dir := b.t.ArtifactDir()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		p := filepath.Join(dir, "failure.png")
		if os.WriteFile(p, png, 0o644) == nil {
			b.t.Logf("failure screenshot of %s: %s", loc, p)
		}
	} else {
		b.t.Logf("failure screenshot: %v", err)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement ? document.documentElement.outerHTML : ""`)); err == nil {
		p := filepath.Join(dir, "failure.html")
		if os.WriteFile(p, []byte(html), 0o644) == nil {
			b.t.Logf("failure page HTML of %s: %s", loc, p)
		}
	} else {
		b.t.Logf("failure page HTML: %v", err)
	}
}

// stepCtx returns a context for one step.
func (b *tab) stepCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs steps, failing the test on error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.stepCtx()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.locationNoFail())
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.stepCtx()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.locationNoFail())
	}
	return v
}

func (b *tab) locationNoFail() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// navigate loads url and waits for its load event.
func (b *tab) navigate(url string) {
	b.t.Helper()
	b.do("navigate to "+url, chromedp.Navigate(url))
	if url != "about:blank" {
		b.screenshot()
	}
}

// back goes back one history entry and waits for the page.
func (b *tab) back() {
	b.t.Helper()
	b.waitLoad("navigate back", chromedp.NavigateBack())
}

// reload reloads the page.
func (b *tab) reload() {
	b.t.Helper()
	b.waitLoad("reload", chromedp.Reload())
}

// waitLoad runs trigger and waits for the next page load (the end of a redirect chain).
func (b *tab) waitLoad(what string, trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
	b.screenshot()
}

// click clicks the first element matching the CSS selector and waits for the page it loads.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	b.waitLoad("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// clickNoLoad clicks an element that does not load a page.
func (b *tab) clickNoLoad(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto focuses the field and types v with real key events.
func (b *tab) typeInto(sel, v string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v))
}

// submitWith types v into the field and presses Enter, waiting for the resulting page.
func (b *tab) submitWith(sel, v string) {
	b.t.Helper()
	b.typeInto(sel, v)
	b.waitLoad("submit "+sel, chromedp.SendKeys(chromedp.CSS(sel), kb.Enter))
}

// waitVisible waits for an element.
func (b *tab) waitVisible(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// location is the tab's URL.
func (b *tab) location() string {
	b.t.Helper()
	return run(b, "location", chromedp.Location())
}

// text is the visible text of the first element matching sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	b.waitVisible(sel)
	return strings.TrimSpace(run(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// bodyText is the page's visible text.
func (b *tab) bodyText() string {
	b.t.Helper()
	return run(b, "body text", chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
}

// html is the whole document.
func (b *tab) html() string {
	b.t.Helper()
	return run(b, "page HTML", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// scrollY is how far the page is scrolled down.
func (b *tab) scrollY() float64 {
	b.t.Helper()
	return run(b, "scroll position", chromedp.Evaluate[float64](`window.scrollY`))
}

// count is how many elements match sel right now.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return run(b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel))))
}

// attr reads an attribute of the first element matching sel ("" when absent).
func (b *tab) attr(sel, name string) string {
	b.t.Helper()
	b.waitVisibleOrPresent(sel)
	return run(b, "attribute "+name+" of "+sel, chromedp.Evaluate[string](fmt.Sprintf(
		`(function(){var e=document.querySelector(%s);return e&&e.getAttribute(%s)||""})()`, jsString(sel), jsString(name))))
}

func (b *tab) waitVisibleOrPresent(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
}

// mustContain fails unless the page's visible text contains every want.
func (b *tab) mustContain(wants ...string) {
	b.t.Helper()
	body := b.bodyText()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			b.t.Fatalf("page %s does not say %q; it says:\n%s", b.location(), w, clip(body, 1500))
		}
	}
}

// mustNotContainHTML fails if the page's HTML contains any of the secrets (what names them).
func (b *tab) mustNotContainHTML(what string, secrets ...string) {
	b.t.Helper()
	h := b.html()
	for _, s := range secrets {
		if s != "" && strings.Contains(h, s) {
			b.t.Fatalf("page %s shows %s again", b.location(), what)
		}
	}
}

// mustBeAt fails unless the tab's path matches the pattern (a regexp on the URL path+query).
func (b *tab) mustBeAt(pattern string) string {
	b.t.Helper()
	loc := b.location()
	if !regexp.MustCompile(pattern).MatchString(pathOf(loc)) {
		b.t.Fatalf("expected to be at %s, but the tab is at %s; page says:\n%s", pattern, loc, clip(b.bodyText(), 1200))
	}
	return loc
}

// key sends key events to the focused element (no clicks).
func (b *tab) key(what, keys string) {
	b.t.Helper()
	b.do(what, chromedp.KeyEvent(keys))
}

// keyLoad sends keys and waits for the page they load.
func (b *tab) keyLoad(what, keys string) {
	b.t.Helper()
	b.waitLoad(what, chromedp.KeyEvent(keys))
}

// check audits the current page with axe-core; any violation fails the test. Its report is
// saved next to the page's screenshot as NN-name-axe.json.
func (b *tab) check(name string) {
	b.t.Helper()
	if b.noScript {
		return
	}
	b.axe(name, fmt.Sprintf("%02d-%s", b.pages, sanitizeName(name)))
}

// screenshot saves every page the tab loads as NN-path.png in the artifact directory (NN counts
// the pages of the test; path is the page's URL path).
func (b *tab) screenshot() {
	b.t.Helper()
	b.pages++
	name := pathOf(b.location())
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	name = sanitizeName(name)
	file := fmt.Sprintf("%02d-%s.png", b.pages, cmp.Or(name, "root"))
	png := run(b, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.t.ArtifactDir(), file), png, 0o644); err != nil {
		b.t.Errorf("writing screenshot: %v", err)
	}
}

var nameChars = regexp.MustCompile(`[^a-z0-9]+`)

func sanitizeName(s string) string {
	return strings.Trim(nameChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[j:]
		}
		return "/"
	}
	return u
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// isNavigationRace reports errors chromedp returns when the page navigated away mid-step.
func isNavigationRace(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return errors.Is(err, chromedp.ErrInvalidContext) || strings.Contains(msg, "context was destroyed") ||
		strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "Execution context")
}

// evalRows returns the cell texts of the table rows matching sel.
func evalRows(sel string) chromedp.Action[[][]string] {
	return chromedp.Evaluate[[][]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s)).map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))`, jsString(sel)))
}

// clear empties a text field.
func (b *tab) clear(sel string) {
	b.t.Helper()
	b.do("clear "+sel, chromedp.Clear(chromedp.CSS(sel)))
}
