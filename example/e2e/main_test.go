package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium. The suite never downloads a browser.
const chromiumPath = "/usr/bin/chromium"

// installHint is what every browser test says when Chromium cannot be used.
const installHint = "run scripts/test.sh (installs chromium)"

// browser is the one Chromium process the test binary shares (2 cores: one browser, a tab per
// test). It is the only package-level state of the suite, and it exists because TestMain is the
// only place that outlives every test; tests reach it through newTab.
var browser = &sharedBrowser{}

type sharedBrowser struct {
	allocCtx context.Context // the exec allocator, created in TestMain

	once       sync.Once
	rootCtx    context.Context // the browser; every tab is a child of it
	rootCancel context.CancelFunc
	err        error

	axe axeReport
}

func TestMain(m *testing.M) {
	code := runMain(m)
	os.Exit(code)
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "selfmfa-e2e-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir for the Chromium profile:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoSandbox, // root in CI and containers
		chromedp.NoFirstRun,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser.allocCtx = allocCtx

	code := m.Run()

	if browser.rootCtx != nil {
		_ = chromedp.Cancel(browser.rootCtx) // closes the browser gracefully
		browser.rootCancel()
	}
	cancelAlloc()

	if testing.Verbose() {
		fmt.Print(browser.axe.summary())
	}
	return code
}

// start launches Chromium once, on first use, so that the HTTP-only tests of the package can run
// without it.
func (b *sharedBrowser) start() error {
	b.once.Do(func() {
		if _, err := os.Stat(chromiumPath); err != nil {
			b.err = fmt.Errorf("%s is missing (%v): %s", chromiumPath, err, installHint)
			return
		}
		// The first Do binds the browser's life to ctx, so it must carry no timeout; TestMain
		// closes it with chromedp.Cancel.
		ctx, cancel := chromedp.NewContext(b.allocCtx)
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			b.err = fmt.Errorf("starting %s failed: %w; %s", chromiumPath, err, installHint)
			return
		}
		b.rootCtx, b.rootCancel = ctx, cancel
	})
	return b.err
}

// axeReport collects the axe result of every page every test checked, for the summary TestMain
// prints with -v and for the final report.
type axeReport struct {
	mu    sync.Mutex
	pages map[string]*axePageStat
}

type axePageStat struct {
	checks     int
	violations int
	rules      map[string]bool
}

func (r *axeReport) add(page string, violations []axeViolation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pages == nil {
		r.pages = map[string]*axePageStat{}
	}
	s := r.pages[page]
	if s == nil {
		s = &axePageStat{rules: map[string]bool{}}
		r.pages[page] = s
	}
	s.checks++
	s.violations += len(violations)
	for _, v := range violations {
		s.rules[v.ID] = true
	}
}

func (r *axeReport) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.pages))
	for n := range r.pages {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("\naxe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) per page:\n")
	for _, n := range names {
		s := r.pages[n]
		rules := make([]string, 0, len(s.rules))
		for id := range s.rules {
			rules = append(rules, id)
		}
		sort.Strings(rules)
		fmt.Fprintf(&b, "  %-34s checks=%-3d violations=%d %s\n", n, s.checks, s.violations, strings.Join(rules, ","))
	}
	return b.String()
}
