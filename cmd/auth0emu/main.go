// Command auth0emu runs the emulated Auth0 tenant of package auth0test as
// a standalone process, for manual work, the offline example app and
// clients in other languages.
//
//	go run ./cmd/auth0emu -addr 127.0.0.1:8081 -callback http://localhost:8080/account/mfa/callback
//
// It prints ONE JSON line to stdout (issuer, domains, client credentials,
// MFA audience, dev page URLs, demo users and their passwords, the control
// interface's URL and token), logs
// warnings to stderr (with -log-requests also one line per request), and
// serves until SIGINT or SIGTERM.
//
// It is a development tool, not a security boundary: the demo passwords
// are fixed, and /_dev/inbox shows every SMS, voice and email code. It
// therefore refuses a non-loopback -addr unless -allow-non-loopback is set.
//
// Flags:
//
//	-addr                listen address (default 127.0.0.1:8081)
//	-callback URL        allowed callback URL of the demo client (repeatable)
//	-logout-url URL      allowed logout URL (repeatable; default: the callbacks' origins)
//	-allow-non-loopback  allow listening on a non-loopback address
//	-recovery-codes      return a recovery code on the first enrollment (default true)
//	-factors LIST        enabled factors, comma-separated (default otp,sms,voice,email,push)
//	-policy NAME         MFA policy: never, always, challenge-if-enrolled (default challenge-if-enrolled)
//	-tenant-name NAME    tenant friendly name (default auth0emu)
//	-client-id ID        demo client id (default auth0emu-demo)
//	-client-secret S     demo client secret (default: random, printed)
//	-dev-pages           serve /_dev/inbox and /_dev/guardian (default true)
//	-log-requests        log one line per request to stderr
//	-rate-limit N        requests per minute before 429 (default 300, Auth0's Free plan; 0: none)
//	-control-addr ADDR   listen address of the JSON control interface (default 127.0.0.1:0; off)
//	-my-account-plan P   per-user My Account API limits: free (default), essentials, enterprise, unlimited
//	-tls                 serve https; the startup line's ca_cert_pem is the CA to trust
//	-help                the flags and the control interface's endpoints
//
// The JSON control interface (users, seeded factors, MFA API tokens, the clock, the inbox,
// push decisions, faults) is listed by -help and in the README; every request carries
// "Authorization: Bearer {control_token}" from the startup line.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, errHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
