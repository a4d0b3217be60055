// Package views holds the HTML pages of selfmfa's self-service MFA screens, written with templ,
// and the parts they are built from, so a host can restyle them, wrap them in its own chrome, or
// replace any page while keeping the typed view model.
//
// Every page works without JavaScript and under a strict Content-Security-Policy (no inline
// script or style attribute anywhere):
//
//	default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self';
//	form-action 'self'; frame-ancestors 'none'; base-uri 'none'
//
// QR codes are inline SVG drawn on the server; the push page refreshes itself with
// <meta http-equiv="refresh">; the recovery code downloads from a data: link built in the page.
// The optional script (Static's mfa.js) only adds "Copy" and "Print" buttons.
//
// # Rendering a page
//
// mfahandler fills a typed model and renders the page func from its Views:
//
//	v := views.Views{}.WithDefaults() // or the host's Views, nil fields filled
//	meta := views.PageMeta{
//		BasePath:      "/account/mfa",
//		AppName:       "Example",
//		StylesheetURL: templ.SafeURL("/account/mfa/static/" + views.StylesheetFile()),
//		ScriptURL:     templ.SafeURL("/account/mfa/static/" + views.ScriptFile()),
//		Layout:        views.DefaultLayout, // every page, default or replaced, wraps through meta
//	}
//	page := views.TOTPPage{
//		Meta:    meta,
//		QR:      views.QR{Content: association.BarcodeURI},
//		Secret:  association.Secret,
//		Confirm: views.Form{Action: "/account/mfa/totp/confirm", Fields: csrfField},
//		Code:    views.CodeInput{Error: "That code didn't work. Try the newest one."},
//		Cancel:  views.Action{Form: &views.Form{Action: "/account/mfa/cancel", Fields: csrfField}},
//	}
//	err := v.TOTP(page).Render(ctx, w)
//
// Form field names the pages submit: "code" (6 digits), "phone_number", "email", "saved" (value
// "yes", on the recovery-code page), "id" (the group's ID, on the removal page) and "decision"
// ("sign_out" or "keep", the list's offer to sign out other sessions); the handler adds hidden
// fields of its own (e.g. "enrollment") through Form.Fields. Each Form's
// Fields component is rendered first inside that form: put the host's CSRF token there.
//
// URLs in the models are templ.SafeURL, yet every one that becomes a link or form action is
// checked again when rendered: anything but http(s), mailto, tel, ftp(s) or a relative URL
// (javascript:, data:, …) is dropped rather than rendered. The push page's RefreshURL must be a
// same-origin path. Host-supplied text (masked names, messages) is always escaped, and names are
// wrapped in <bdi> so bidirectional control characters cannot reorder the page.
//
// # Restyling, from lightest to heaviest
//
// 1. Classes. Every element renders a stable hook class ("mfa-btn", "mfa-input", …) followed by
// the host's extra class from PageMeta.Classes:
//
//	meta.Classes = views.Classes{Button: "btn", ButtonPrimary: "btn-primary", Input: "form-control",
//		InputInvalid: "is-invalid", VisuallyHidden: "visually-hidden"}
//	meta.StylesheetURL = "" // switch the embedded stylesheet off
//
// The embedded stylesheet (Static, StylesheetFile) styles only the hooks: light and dark scheme,
// WCAG 2.1 AA contrast, visible focus rings, responsive, print rules for the recovery code. Serve
// Static under "{base}/static/"; the content-hashed names may be cached forever.
//
// 2. Layout. A Layout wraps each page body in the host's chrome. It must render
// meta.HeadExtra inside <head> (the push page's refresh travels there) and should not add an
// <h1>: each page has exactly one.
//
//	mfahandler.WithLayout(func(meta views.PageMeta, body templ.Component) templ.Component {
//		return myapp.Shell(meta.Title, meta.HeadExtra, body)
//	})
//
// Hosts whose layout uses { children... } adapt it with ChildrenLayout; html/template hosts can
// use templ.FromGoHTML and templ.ToGoHTML.
//
// 3. Whole pages. Replace any Views field with a func taking the same typed model. The exported
// parts (QRCode, FactorTable, CodeField, FlashMessage, FormFields, FormElement) keep the hard
// parts reusable, and PageMeta.Wrap applies the configured layout:
//
//	v.List = func(p views.ListPage) templ.Component {
//		return p.Meta.Wrap(myapp.MFAList(p)) // myapp.MFAList may call views.FactorTable(...)
//	}
package views
