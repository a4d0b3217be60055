// Package logwait waits for a child process to say it is ready: a [Writer] collects the
// process's log (stdout and stderr) and closes Ready once a given line appears, so a test
// helper starting a real server waits for "ready" instead of polling with sleeps.
//
//	w := logwait.New("Ready to accept connections")
//	cmd.Stdout, cmd.Stderr = w, w
//	select {
//	case <-w.Ready():
//	case err := <-exited: ... w.String() holds the log
//	}
package logwait

import (
	"bytes"
	"sync"
)

// maxLog bounds the log kept for error messages.
const maxLog = 64 << 10

// Writer is an io.Writer, safe for concurrent use, that keeps the first 64 KiB of what it is
// given and closes Ready when the marker first appears in it.
type Writer struct {
	marker []byte
	ready  chan struct{}

	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

// New returns a Writer waiting for marker.
func New(marker string) *Writer {
	return &Writer{marker: []byte(marker), ready: make(chan struct{})}
}

// Ready is closed once the marker has been written.
func (w *Writer) Ready() <-chan struct{} { return w.ready }

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < maxLog {
		w.buf.Write(p)
	}
	if !w.done && bytes.Contains(w.buf.Bytes(), w.marker) {
		w.done = true
		close(w.ready)
	}
	return len(p), nil
}

// String returns the log collected so far.
func (w *Writer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
