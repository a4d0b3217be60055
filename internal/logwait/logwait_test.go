package logwait_test

import (
	"testing"

	"github.com/selfmfa/selfmfa/internal/logwait"
)

func TestReadyOnMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		writes []string
		ready  bool
	}{
		{"in one write", []string{"starting\n* Ready to accept connections\n"}, true},
		{"split across writes", []string{"* Ready to ac", "cept connections\n"}, true},
		{"twice", []string{"Ready to accept connections\n", "Ready to accept connections\n"}, true},
		{"absent", []string{"starting\n", "error: port in use\n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := logwait.New("Ready to accept connections")
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			select {
			case <-w.Ready():
				if !tt.ready {
					t.Fatal("ready without the marker")
				}
			default:
				if tt.ready {
					t.Fatal("not ready after the marker")
				}
			}
			if want := len(tt.writes[0]); len(w.String()) < want {
				t.Fatalf("log %q lost what was written", w.String())
			}
		})
	}
}
