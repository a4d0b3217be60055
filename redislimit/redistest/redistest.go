// Package redistest starts a real redis-server for tests: from PATH, on a free loopback port,
// without persistence, stopped when the test ends. redislimit's tests and the example
// module's multi-instance tests use it; so can a host's own tests.
//
//	addr, stop := redistest.Start(t) // "127.0.0.1:PORT"; stop() kills it early (e.g. to test an outage)
//
// A missing redis-server fails the test — it is never skipped: scripts/test.sh installs it.
package redistest

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/internal/logwait"
)

// readyTimeout bounds how long redis-server may take to accept connections.
const readyTimeout = 20 * time.Second

// Start starts redis-server and returns its address and a function that stops it (idempotent;
// it also runs at the end of the test).
func Start(t testing.TB) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not on PATH (%v). These tests need a real Redis: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install redis-server).", err)
	}
	var lastErr error
	for range 5 { // the free port can be taken between choosing it and redis binding it
		addr, stop, err := try(t, bin)
		if err == nil {
			return addr, stop
		}
		lastErr = err
	}
	t.Fatalf("redistest: could not start redis-server: %v", lastErr)
	return "", nil
}

func try(t testing.TB, bin string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	w := logwait.New("Ready to accept connections")
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--loglevel", "notice")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
	}
	// Wait for "Ready to accept connections" in the log rather than polling with sleeps.
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-w.Ready():
	case err := <-exited:
		once.Do(func() {})
		return "", nil, fmt.Errorf("redis-server exited before it was ready (%v):\n%s", err, w.String())
	case <-timer.C:
		stop()
		return "", nil, errors.New("redis-server did not become ready in time")
	}
	t.Cleanup(stop)
	return "127.0.0.1:" + strconv.Itoa(port), stop, nil
}
