// Package pgtest starts a throwaway PostgreSQL server for tests: a fresh cluster (initdb) in
// a temporary directory, listening only on a unix socket inside it, without durability
// (fsync off), stopped and deleted when the test ends.
//
//	srv := pgtest.Start(t) // t.Fatal with what to install when PostgreSQL is missing
//	pool, err := pgxpool.New(ctx, srv.DSN)
//
// Several tests can share one server from TestMain with [Run]:
//
//	func TestMain(m *testing.M) {
//		srv, err := pgtest.Run()
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		code := m.Run()
//		srv.Stop()
//		os.Exit(code)
//	}
//
// The binaries are initdb and postgres from PATH or, as Debian and Ubuntu install them, from
// the newest /usr/lib/postgresql/<version>/bin. A missing PostgreSQL is an error, never a skip:
// scripts/test.sh installs it (Debian/Ubuntu: apt-get install postgresql). PostgreSQL refuses
// to run as root, so under root the cluster runs as the unprivileged user "postgres" (which the
// Debian package creates), owning the temporary directory.
package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/internal/logwait"
)

// readyTimeout bounds how long the server may take to accept connections; stopTimeout how
// long a fast shutdown may take before the server is killed.
const (
	readyTimeout = 60 * time.Second
	stopTimeout  = 20 * time.Second
)

// port names the socket file (.s.PGSQL.5432); nothing listens on TCP.
const port = 5432

// unprivilegedUser runs the cluster when the tests run as root.
const unprivilegedUser = "postgres"

// installHint ends every error about missing binaries.
const installHint = "these tests need a real PostgreSQL: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install postgresql)"

// Server is a running throwaway PostgreSQL server.
type Server struct {
	// DSN connects as the superuser "postgres" to the database "postgres" over the unix
	// socket, for pgx (pgxpool.New) or libpq.
	DSN string
	// Dir is the temporary directory holding the cluster and the socket.
	Dir string

	cmd    *exec.Cmd
	exited chan error
	once   sync.Once
}

// Start runs a server for the test and stops it when the test ends; it fails the test with a
// clear message when PostgreSQL is missing or does not start.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Run starts a server; the caller stops it with [Server.Stop].
func Run() (*Server, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := tempDir()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: chown %s to %s: %w", dir, unprivilegedUser, err)
		}
	}
	s, err := start(bin, dir, cred)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func start(bin, dir string, cred *syscall.Credential) (*Server, error) {
	data := filepath.Join(dir, "data")
	initdb := command(cred, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb failed: %w\n%s", err, out)
	}
	log := logwait.New("database system is ready to accept connections")
	cmd := command(cred, filepath.Join(bin, "postgres"),
		"-D", data, "-k", dir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s := &Server{
		DSN:    fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", dir, port),
		Dir:    dir,
		cmd:    cmd,
		exited: make(chan error, 1),
	}
	go func() { s.exited <- cmd.Wait() }()
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-log.Ready():
		return s, nil
	case err := <-s.exited:
		s.once.Do(func() {})
		return nil, fmt.Errorf("pgtest: postgres exited before it was ready (%v):\n%s", err, log)
	case <-timer.C:
		s.stopProcess()
		return nil, fmt.Errorf("pgtest: postgres was not ready within %v:\n%s", readyTimeout, log)
	}
}

// Stop shuts the server down (fast shutdown, then a kill if it hangs) and deletes its
// directory. It is idempotent.
func (s *Server) Stop() {
	s.stopProcess()
	os.RemoveAll(s.Dir)
}

func (s *Server) stopProcess() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT) // fast shutdown: ends sessions, no checkpoint wait
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

func command(cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd
}

// findBinaries returns the directory holding both initdb and postgres.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dir := filepath.Dir(real)
			if isExecutable(filepath.Join(dir, "postgres")) {
				return dir, nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) }) // newest first
	for _, dir := range dirs {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", errors.New("pgtest: initdb and postgres are neither on PATH nor in /usr/lib/postgresql/*/bin; " + installHint)
}

func versionOf(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// credential is nil unless the tests run as root, when the cluster runs as unprivilegedUser.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(unprivilegedUser)
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, and PostgreSQL refuses to run as root; the unprivileged user %q to run it as is missing (%v); %s", unprivilegedUser, err, installHint)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: user %q: %w", unprivilegedUser, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tempDir makes the cluster's directory. A unix socket path must stay under 108 bytes, so a
// long TMPDIR falls back to /tmp.
func tempDir() (string, error) {
	dir, err := os.MkdirTemp("", "pgtest-")
	if err == nil && len(dir) > 80 {
		os.RemoveAll(dir)
		dir, err = os.MkdirTemp("/tmp", "pgtest-")
	}
	if err != nil {
		return "", fmt.Errorf("pgtest: temporary directory: %w", err)
	}
	return dir, nil
}
