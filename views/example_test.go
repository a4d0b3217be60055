package views_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/a-h/templ"
	"github.com/selfmfa/selfmfa/views"
)

// A host keeps every default page but the list, adds its Bootstrap classes and turns the
// embedded stylesheet off.
func ExampleViews_WithDefaults() {
	csrf := templ.Raw(`<input type="hidden" name="csrf_token" value="t0k">`)
	v := views.Views{
		List: func(p views.ListPage) templ.Component {
			return p.Meta.Wrap(views.FactorTable(p.Meta.Classes, p.Groups))
		},
	}.WithDefaults()

	meta := views.PageMeta{
		BasePath: "/account/mfa",
		Classes:  views.Classes{Button: "btn", ButtonPrimary: "btn-primary"},
		Layout:   views.DefaultLayout,
	}
	var b strings.Builder
	_ = v.Error(views.ErrorPage{
		Meta:    meta,
		Title:   "Sign in again",
		Message: "For your security, please sign in again.",
		Next:    views.Action{Label: "Sign in", Form: &views.Form{Action: "/account/mfa/login", Fields: csrf}},
	}).Render(context.Background(), &b)

	out := b.String()
	fmt.Println(strings.Contains(out, `<h1 class="mfa-title">Sign in again</h1>`))
	fmt.Println(strings.Contains(out, `class="mfa-btn btn mfa-btn-primary btn-primary"`))
	fmt.Println(strings.Contains(out, `name="csrf_token"`))
	fmt.Println(strings.Contains(out, `rel="stylesheet"`))
	// Output:
	// true
	// true
	// true
	// false
}

// A host layout receives the page's meta, including page-specific head content.
func ExampleLayout() {
	layout := func(meta views.PageMeta, body templ.Component) templ.Component {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			fmt.Fprintf(w, "<title>%s</title>", templ.EscapeString(meta.Title))
			if meta.HeadExtra != nil {
				if err := meta.HeadExtra.Render(ctx, w); err != nil {
					return err
				}
			}
			return nil // body omitted to keep the example short
		})
	}
	page := views.PushPage{
		Meta:           views.PageMeta{Layout: layout},
		RefreshSeconds: 5,
		RefreshURL:     "/account/mfa/push/poll",
	}
	_ = views.Push(page).Render(context.Background(), writer{})
	// Output:
	// <title>Set up the Auth0 Guardian app</title><noscript><meta http-equiv="refresh" content="5;url=/account/mfa/push/poll"></noscript>
}

type writer struct{}

func (writer) Write(p []byte) (int, error) { fmt.Print(string(p)); return len(p), nil }
