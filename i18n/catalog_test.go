package i18n

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/language"
)

func TestCatalogErrors(t *testing.T) {
	t.Parallel()
	de, it := language.German, language.Italian
	tests := []struct {
		name string
		opt  Option
		want []string // every fragment must appear in the error
	}{
		{"malformed JSON names the file and line", WithLanguage(it, []byte("{\n \"mfa.list.add\": \"Aggiungi\",\n}")),
			[]string{"it (WithLanguage)", "malformed JSON", "line 3"}},
		{"unknown plural category for the language", WithLanguage(de, []byte(`{"mfa.code.expires": {"one": "a", "few": "b", "other": "c"}}`)),
			[]string{"de (WithLanguage)", "mfa.code.expires", `"few" is not used by de`, "one, other"}},
		{"zero is not an English category", WithLanguage(language.English, []byte(`{"mfa.code.expires": {"zero": "none", "one": "a", "other": "c"}}`)),
			[]string{"mfa.code.expires", `"zero" is not used by en`}},
		{"missing other", WithLanguage(de, []byte(`{"mfa.code.expires": {"one": "a"}}`)),
			[]string{"mfa.code.expires", `no "other" form`}},
		{"placeholder not in the English text", WithLanguage(de, []byte(`{"mfa.factor.remove": "{{.Nmae}} entfernen"}`)),
			[]string{"mfa.factor.remove", "{{.Nmae}} is not in the English text", "English has: Name"}},
		{"template action other than a placeholder", WithLanguage(de, []byte(`{"mfa.factor.remove": "{{if .Name}}x{{end}}"}`)),
			[]string{"mfa.factor.remove", "only {{.Name}} is supported"}},
		{"unbalanced braces", WithLanguage(de, []byte(`{"mfa.factor.remove": "{{.Name} entfernen"}`)),
			[]string{"mfa.factor.remove", "unbalanced"}},
		{"id not in English", WithLanguage(de, []byte(`{"mfa.list.titel": "Titel"}`)),
			[]string{"mfa.list.titel", "not in the English catalog"}},
		{"plural forms for a simple message", WithLanguage(de, []byte(`{"mfa.list.add": {"one": "a", "other": "b"}}`)),
			[]string{"mfa.list.add", "English message is not plural"}},
		{"unknown field", WithLanguage(de, []byte(`{"mfa.list.add": {"other": "b", "translation": "x"}}`)),
			[]string{"mfa.list.add", `unknown field "translation"`}},
		{"value of the wrong type", WithLanguage(de, []byte(`{"mfa.list.add": 3}`)),
			[]string{"mfa.list.add", "neither a text nor a message object"}},
		{"override of a plural message", WithOverrides(de, map[string]string{"mfa.code.expires": "bald"}),
			[]string{"mfa.code.expires", "plural message"}},
		{"file name is not a tag", WithLanguageFS(fstest.MapFS{"italiano.json": {Data: []byte("{}")}}, "italiano.json"),
			[]string{"italiano.json", "not a BCP 47 language tag"}},
		{"file name not canonical", WithLanguageFS(fstest.MapFS{"pt_br.json": {Data: []byte("{}")}}, "pt_br.json"),
			[]string{"pt_br.json", "pt-BR.json"}},
		{"missing file", WithLanguageFS(fstest.MapFS{}, "it.json"), []string{"it.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.opt)
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "i18n: ") {
				t.Errorf("error %q is not prefixed with the package name", err)
			}
		})
	}
}

func TestCatalogErrorsAreAllReported(t *testing.T) {
	t.Parallel()
	_, err := New(WithLanguage(language.German, []byte(`{"a.b": "x", "mfa.factor.remove": "{{.X}}"}`)))
	var ce *CatalogError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v holds no *CatalogError", err)
	}
	for _, id := range []string{"a.b", "mfa.factor.remove"} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not report %s", err, id)
		}
	}
}

func TestCatalogFormat(t *testing.T) {
	t.Parallel()
	it := language.Italian
	b, err := New(WithLanguage(it, []byte(`{
		"mfa": {"list": {"title": "Verifica in due passaggi", "add": ""}},
		"mfa.factor.remove": {"description": "button", "hash": "sha1-x", "other": "Rimuovi {{ .Name }}"},
		"mfa.code.expires": {"one": "Scade tra {{.Count}} minuto.", "many": "Scade tra {{.Count}} di minuti.", "other": "Scade tra {{.Count}} minuti."}
	}`)))
	if err != nil {
		t.Fatal(err)
	}
	l := b.Localizer(it)
	tests := []struct{ got, want string }{
		{l.T("mfa.list.title"), "Verifica in due passaggi"},                     // nested groups give dotted ids
		{l.T("mfa.list.add"), "Add a method"},                                   // an empty text is untranslated: English
		{l.T("mfa.factor.remove", Str("Name", "Telefono")), "Rimuovi Telefono"}, // spaces inside {{ }} are fine
		{l.N("mfa.code.expires", 1), "Scade tra 1 minuto."},
		{l.N("mfa.code.expires", 1000000), "Scade tra 1.000.000 di minuti."},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
