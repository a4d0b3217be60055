package pgtest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/selfmfa/selfmfa/pglimit/pgtest"
)

// The server accepts a connection over its socket, and Stop removes everything it made.
func TestStartAndStop(t *testing.T) {
	t.Parallel()
	srv := pgtest.Start(t)
	sock := filepath.Join(srv.Dir, ".s.PGSQL.5432")
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("no socket at %s: %v", sock, err)
	}
	if psql, err := exec.LookPath("psql"); err == nil {
		out, err := exec.Command(psql, srv.DSN, "-Atc", "select 1+1").CombinedOutput()
		if err != nil || string(out) != "2\n" {
			t.Fatalf("psql: %q %v", out, err)
		}
	}
	srv.Stop()
	srv.Stop() // idempotent
	if _, err := os.Stat(srv.Dir); !os.IsNotExist(err) {
		t.Fatalf("Stop left %s behind (%v)", srv.Dir, err)
	}
}
