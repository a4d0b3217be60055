// Package redistest starts a real redis-server for tests: from PATH, on a free loopback port,
// without persistence, stopped when the test ends. redislimit's tests and the example
// module's multi-instance tests use it; so can a host's own tests.
//
//	addr, stop := redistest.Start(t) // "127.0.0.1:PORT"; stop() kills it early (e.g. to test an outage)
//
// [Run] does the same outside a test, for a server shared from TestMain.
//
// A missing redis-server fails the test — it is never skipped: scripts/test.sh installs it.
package redistest

import (
	"errors"
	"fmt"
	"net"
	"os"
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
// it also runs at the end of the test). It fails the test when redis-server is missing or does
// not start.
func Start(t testing.TB) (addr string, stop func()) {
	t.Helper()
	addr, stop, err := Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr, stop
}

// Run starts redis-server outside a test (for TestMain or an Example); the caller stops it.
func Run() (addr string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("redistest: redis-server is not on PATH (%v). These tests need a real Redis: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install redis-server)", err)
	}
	var lastErr error
	for range 5 { // the free port can be taken between choosing it and redis binding it
		addr, stop, err := try(bin)
		if err == nil {
			return addr, stop, nil
		}
		lastErr = err
	}
	return "", nil, fmt.Errorf("redistest: could not start redis-server: %w", lastErr)
}

func try(bin string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return "", nil, err
	}
	w := logwait.New("Ready to accept connections")
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--dir", dir, "--loglevel", "notice")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
			os.RemoveAll(dir)
		})
	}
	// Wait for "Ready to accept connections" in the log rather than polling with sleeps.
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-w.Ready():
	case err := <-exited:
		once.Do(func() { os.RemoveAll(dir) })
		return "", nil, fmt.Errorf("redis-server exited before it was ready (%v):\n%s", err, w.String())
	case <-timer.C:
		stop()
		return "", nil, errors.New("redis-server did not become ready in time")
	}
	return "127.0.0.1:" + strconv.Itoa(port), stop, nil
}
