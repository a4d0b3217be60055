// Package e2e holds the end-to-end tests of the example app: real Chromium (Debian's
// /usr/bin/chromium, driven by chromedp) against example/app started in-process on its embedded
// auth0test tenant, plus multi-instance tests against a real redis-server. The package has no
// code of its own outside tests.
//
// # Running
//
// From the repository root, scripts/test.sh installs what the suite needs (chromium,
// redis-server, node/npm and axe-core through `npm ci --prefix example/e2e`) and runs it with the
// rest. To run only this package:
//
//	npm ci --prefix example/e2e --no-audit --no-fund   # once: axe-core into example/e2e/node_modules
//	go test -race ./example/e2e/...
//	mkdir -p /tmp/e2e && go test -race -artifacts -outputdir /tmp/e2e ./example/e2e/...   # keep screenshots and axe reports
//
// A missing /usr/bin/chromium, redis-server or axe-core fails the tests with a message naming the
// install step; nothing is skipped.
//
// # What the browser tests do
//
// Every test starts its own app instance (127.0.0.1:0 for the app and its tenant) on a frozen,
// shared clock (app.Config.Now) that the test moves forward explicitly: expiries, TOTP windows and
// push polling never wait on real time. One Chromium process serves the whole test binary
// (TestMain); each test gets its own tab in its own browser context, so cookies never leak between
// tests even though cookies ignore ports.
//
// Each page a test reaches is checked with axe-core (WCAG 2.0/2.1 A and AA tags) and saved as a
// screenshot into t.ArtifactDir(); on failure the test also saves the current page's screenshot
// and HTML there and logs the path. The authenticator-app journey decodes the QR code from a
// screenshot (gozxing) and computes codes with the suite's own RFC 6238 implementation, never the
// emulator's.
package e2e
