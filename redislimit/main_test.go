package redislimit_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/selfmfa/selfmfa/redislimit/redistest"
)

// exampleAddr is a real redis-server shared by the package's examples (tests start their own).
var exampleAddr string

func TestMain(m *testing.M) {
	addr, stop, err := redistest.Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	exampleAddr = addr
	code := m.Run()
	stop()
	os.Exit(code)
}
