// Package mounting shows how a host app mounts selfmfa's handler: on the standard library's
// http.ServeMux with mux.Handle(h.Pattern(), h), and on chi with r.Mount(h.BasePath(), h).
// Either way there is no http.StripPrefix: the handler routes on full paths under its base
// path. The examples run as tests, against the emulated tenant of auth0test.
package mounting
