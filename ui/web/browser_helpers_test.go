package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const chromiumPath = "/usr/bin/chromium"

// axePath is where .ci/run installs axe-core (npm ci in testdata/tooling).
const axePath = "testdata/tooling/node_modules/axe-core/axe.min.js"

// axeRules are the rule sets every page must pass: WCAG 2.2 A and AA and axe's best practices.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values:
  ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
  .then(r => r.violations.map(v => v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`

// browser is one headless Chromium tab whose host names resolve to this machine, so pages are
// tested on a real-looking origin over plain HTTP, as staff will use them, not on 127.0.0.1.
type browser struct {
	t     *testing.T
	ctx   context.Context
	axe   string
	pages int // pages checked with axe
}

// needChromium skips when there is no browser, except in CI, which must run these tests.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not installed at %s, and CI must run the browser tests", chromiumPath)
		}
		t.Skip("chromium not installed: browser test skipped; .ci/run installs it")
	}
}

func newBrowser(t *testing.T, hosts ...string) *browser {
	t.Helper()
	needChromium(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core missing (%v): .ci/run installs it with npm ci in ui/web/testdata/tooling", err)
		}
		t.Skipf("axe-core missing (%v): run npm ci in ui/web/testdata/tooling", err)
	}
	var rules []string
	for _, h := range hosts {
		rules = append(rules, "MAP "+h+" 127.0.0.1")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", strings.Join(rules, ", ")),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 800),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// The first run starts the browser; it must not carry the test's timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	// Generous: the machine may be shared, and a step that cannot succeed fails well before.
	tctx, cancelT := context.WithTimeout(ctx, 6*time.Minute)
	t.Cleanup(func() { cancelT(); cancelCtx(); cancelAlloc() })
	return &browser{t: t, ctx: tctx, axe: string(axe)}
}

// step runs actions and stops the test at the first failure, with a screenshot of the moment.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.failed(what)
		b.t.Fatalf("%s: %v", what, err)
	}
}

// failed saves a screenshot for a failing step, named after the test, where CI can keep it.
func (b *browser) failed(what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(b.t.Name())
	path := filepath.Join(os.TempDir(), "guildhall-failure-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err == nil {
		b.t.Logf("screenshot of the failure at %q: %s", what, path)
	}
}

// shot saves a screenshot for the README when GUILDHALL_SCREENSHOTS names a directory.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("GUILDHALL_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// checkA11y runs axe-core on the page as it is now and fails the test on any violation. A test
// that waited for an element the previous page also had can get here while the next page is
// still loading, which discards the injected axe; so it waits for the document to be complete,
// and injects and runs axe in one evaluation, starting again if a navigation got in between.
func (b *browser) checkA11y(page string) {
	b.t.Helper()
	run := `(function(){ if (typeof axe === "undefined") {` + b.axe + `}; return ` + axeRun + `; })()`
	var violations []string
	for attempt := 1; ; attempt++ {
		b.waitUntil("page "+page+" loaded", `document.readyState === "complete"`)
		var err error
		violations, err = chromedp.Run(b.ctx, chromedp.Evaluate[[]string](run, chromedp.EvalAwaitPromise))
		if err == nil {
			break
		}
		if attempt == 3 {
			b.t.Fatalf("axe on %s: %v", page, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.pages++
	if len(violations) > 0 {
		b.failed("axe on " + page)
		b.t.Errorf("axe found %d violations on %s:\n  %s", len(violations), page, strings.Join(violations, "\n  "))
	}
}

// text is an element's visible text with whitespace collapsed.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.failed("read " + sel)
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// eval runs a JavaScript expression for its value (observation only, never to act on the page).
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitUntil polls a JavaScript condition (observation only) until it holds, for effects that
// arrive asynchronously, such as the live region's announcement.
func (b *browser) waitUntil(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !eval[bool](b, expr) {
		if time.Now().After(deadline) {
			b.failed(what)
			b.t.Fatalf("%s: %s never became true", what, expr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tabTo presses Tab until the focused element matches sel, as a keyboard user would, and fails
// if it never gets there: an element the keyboard cannot reach is a bug.
func (b *browser) tabTo(sel string) {
	b.t.Helper()
	focused := fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel)
	for range 400 {
		if eval[bool](b, focused) {
			return
		}
		b.step("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	b.failed("tab to " + sel)
	b.t.Fatalf("Tab never reached %s", sel)
}

// typeKeys types into the focused element.
func (b *browser) typeKeys(s string) { b.t.Helper(); b.step("type", chromedp.KeyEvent(s)) }

// enter presses Enter and waits for sel on the page that follows.
func (b *browser) enter(waitFor string) {
	b.t.Helper()
	b.step("press Enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}
