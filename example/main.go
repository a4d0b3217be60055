// Command example runs selfmfa's example host app (package app). With no configuration it runs
// offline, on an emulated Auth0 tenant:
//
//	go run ./example
//
// Flags (and their environment variables):
//
//	-addr         the app's listen address (APP_ADDR; default 127.0.0.1:8080)
//	-tenant-addr  the emulated tenant's listen address (TENANT_ADDR; default 127.0.0.1:8081)
//	-verbose      log every request the emulated tenant serves (default: its warnings only)
//
// A real tenant and Redis are configured by environment variables; see app.ConfigFromEnv.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/selfmfa/selfmfa/example/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := app.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	flag.StringVar(&cfg.Addr, "addr", cfg.Addr, "the app's listen address (APP_ADDR; default 127.0.0.1:8080)")
	flag.StringVar(&cfg.TenantAddr, "tenant-addr", cfg.TenantAddr, "the emulated tenant's listen address (TENANT_ADDR; default 127.0.0.1:8081)")
	flag.BoolVar(&cfg.Verbose, "verbose", false, "log every request the emulated tenant serves")
	flag.BoolVar(&cfg.MyAccount, "my-account", cfg.MyAccount, "use Auth0's My Account API instead of the MFA API (SELFMFA_BACKEND=my-account)")
	flag.Parse()
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	inst, err := app.Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Print(inst.Banner())
	<-ctx.Done()
	return inst.Close()
}
