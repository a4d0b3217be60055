// Package wire is the HTTP plumbing that selfmfa's Auth0 API clients (mfaapi for the MFA API,
// myaccount for the My Account API) share, so that both make the same guarantees the same way:
//
//   - HostProblem and ParseInsecureBase check a tenant host and the loopback-only plain-HTTP
//     base URL of a local emulator;
//   - HTTPClient copies (or builds) an *http.Client that never follows a redirect, and Send
//     performs one request and reads at most a given number of body bytes, never retrying;
//   - DecodeJSON decodes a 2xx body and says where it is malformed without quoting it;
//   - ParseRateLimit and ParseRetryAfter read the X-RateLimit-* and Retry-After headers;
//   - Sanitize and SummarizeBody make server text safe to log;
//   - Field, ViewString, ViewGoString, ViewLog and FormatValue build the redacting String,
//     GoString, fmt.Formatter and slog.LogValuer views of values that hold secrets.
//
// It is nobody's public API. Functions that find a problem return it as text that never
// contains the offending value; the calling package wraps it in its own prefixed error:
//
//	hc := wire.HTTPClient(nil, 10*time.Second) // own transport, redirects refused
//	resp, err := wire.Send(ctx, hc, wire.Call{Method: "GET", URL: u, Bearer: token}, 1<<20)
//	if err != nil {
//		return fmt.Errorf("myaccount: GET %s: %w", u.EscapedPath(), err)
//	}
//	if resp.TooLarge { … } // the body was cut at the limit
package wire
