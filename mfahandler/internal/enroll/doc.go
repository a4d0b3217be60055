// Package enroll is the HTTP-free core of selfmfa's handler: the enrollment lifecycle
// (pending → claimed → Auth0 call → proof that it activated → finished, failed or ended) and
// the removal of factors, as auth0test/internal/tenant is for the emulator. It never imports
// net/http or the views; the handler maps its typed results to pages, flashes and events in
// one place.
//
// A Service holds what does not change between requests: the Backend (the MFA API, or the My
// Account API beside it), the Ledger (single-use and "already ended" marks, attempt budgets and
// the per-user lock, every limiter key in one file), the limits and the clock. Begin binds it
// to one request: the signed-in user, their session records and their token.
//
//	svc := &enroll.Service{Backend: backend, Ledger: enroll.NewLedger(lim), Limits: limits,
//		Now: time.Now, Log: logger, PhoneValidator: phone.Normalize}
//	tx := svc.Begin(ctx, sub, records, tokenFunc, anyToken)
//	res := tx.Start(enroll.TOTP, "", "")   // Started: res.Pending holds the secret and QR URI
//	res = tx.Confirm(res.Pending.ID, "123456")
//	switch res.Outcome {
//	case enroll.Added:     // the list shows a new active authenticator; res.ShowRecovery
//	case enroll.WrongCode: // the enrollment stays open
//	}
//	for _, e := range res.Events { ... } // for the host's audit trail
//
// Every step that ends an enrollment or shows a secret once is made final in the Ledger, not
// only the session: concurrent requests of one session write it back last-writer-wins, so a
// copy that comes back late must not confirm, poll or show anything twice.
package enroll
