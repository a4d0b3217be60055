package views

import (
	"strings"
	"testing"
)

// hostClasses sets the classes a Bootstrap host would, with the edge cases the class list
// handles: padding (trimmed), a repeat of a hook (given once) and markup (escaped).
func hostClasses() Classes {
	return Classes{
		Button: "btn", ButtonPrimary: " btn-primary ", ButtonSecondary: "btn-outline-secondary",
		Input: "form-control", InputInvalid: "is-invalid", Text: "mfa-text", Icon: "bi",
		Flash: "alert", FlashError: "alert-danger", Note: `small" onclick="x`, Section: "card",
	}
}

// TestPreparedClassesRenderTheSameMarkup: a prepared Classes is an optimisation only; every
// page renders byte for byte what the unprepared value renders, and the class lists are the
// ones a host configured.
func TestPreparedClassesRenderTheSameMarkup(t *testing.T) {
	t.Parallel()
	plain, prepared := testMeta(), testMeta()
	plain.Classes, prepared.Classes = hostClasses(), hostClasses().Prepared()
	want := []string{
		`class="mfa-btn btn mfa-btn-primary btn-primary"`,
		`class="mfa-text"`, // the host's "mfa-text" repeats the hook: given once
		`class="mfa-note small&#34; onclick=&#34;x"`,
		`class="mfa-input form-control mfa-input-code mfa-input-invalid is-invalid"`,
		`class="mfa-flash alert mfa-flash-error alert-danger"`,
	}
	seen := make([]bool, len(want))
	pp := samplePages(prepared)
	for i, p := range samplePages(plain) {
		got, ref := render(t, pp[i].c), render(t, p.c)
		if got != ref {
			t.Errorf("%s: prepared classes render different markup", p.name)
		}
		for j, w := range want {
			seen[j] = seen[j] || strings.Contains(got, w)
		}
	}
	for j, w := range want {
		if !seen[j] {
			t.Errorf("no page has %s", w)
		}
	}
}

// TestChangedPreparedClassesAreNoticed: a field changed on a copy of prepared classes is what
// renders, not the attributes prepared before the change.
func TestChangedPreparedClassesAreNoticed(t *testing.T) {
	t.Parallel()
	meta := testMeta()
	meta.Classes = Classes{Button: "btn", Page: "old-page"}.Prepared()
	meta.Classes.Button, meta.Classes.Page = "button", "new-page"
	out := render(t, List(ListPage{Meta: meta, Add: []EnrollChoice{{Kind: KindTOTP, Start: Action{Form: formp(base + "/enroll/totp")}}}}))
	for _, w := range []string{`class="mfa-page new-page"`, `class="mfa-btn button mfa-btn-primary"`} {
		if !strings.Contains(out, w) {
			t.Errorf("the page lacks %s", w)
		}
	}
	if strings.Contains(out, "old-page") || strings.Contains(out, `"mfa-btn btn `) {
		t.Error("the page used the classes prepared before the change")
	}
}
