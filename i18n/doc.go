// Package i18n localizes selfmfa's pages: it picks the user's language, looks up messages in
// embedded catalogs, and writes plurals, dates, relative times and numbers from Unicode CLDR
// data (CLDR 48), in English, German, French, Spanish, Brazilian Portuguese, Japanese, Polish
// and Arabic, plus any language a host adds.
//
// # Use
//
//	bundle, err := i18n.New(
//		i18n.WithOverrides(language.English, map[string]string{"mfa.list.title": "Sign-in protection"}),
//		i18n.WithLanguageFS(hostLocales, "it.json"), // a language of the host's own
//	)
//	…
//	// Per request: the host's choice first (the user's setting), then Accept-Language, then English.
//	l := bundle.MatchRequest(r, func(r *http.Request) (language.Tag, bool) { return userLanguage(r) })
//	w.Header().Set("Content-Language", l.Lang())
//	// <html lang={ l.Lang() } dir={ l.Dir() }>
//	l.T("mfa.list.title")                                                 // "Bestätigung in zwei Schritten"
//	l.T("mfa.factor.remove", i18n.Str("Name", factor.Name))               // "Work phone entfernen"
//	l.N("mfa.recovery.codes_left", 3)                                     // "Pozostały 3 kody odzyskiwania"
//	l.T("mfa.sms.sent", i18n.LTR("Phone", masked))                        // isolated left to right in Arabic
//	l.T("mfa.factor.last_used", i18n.Str("When", l.RelativeTime(t, now))) // "Zuletzt verwendet vor 2 Minuten"
//	l.Date(t); l.DateAbbrev(t); l.Number(12345); l.Decimal(2.5, 1)
//
// A Bundle is immutable and safe for concurrent use; build it once at start-up. A message
// without placeholders costs one map lookup and no allocation; messages are compiled into
// literal and placeholder parts at load, so nothing runs text/template.
//
// # Catalogs
//
// One file per language, locales/<bcp47>.json (en.json, pt-BR.json), in go-i18n v2's JSON
// message-file format, which goi18n, Weblate, Crowdin and Lokalise read and write:
//
//	{
//	  "mfa.list.title": "Two-step verification",
//	  "mfa.recovery.codes_left": {
//	    "description": "How many unused recovery codes the user has.",
//	    "one": "{{.Count}} recovery code left",
//	    "other": "{{.Count}} recovery codes left"
//	  }
//	}
//
// Placeholders are {{.Name}} only; N fills {{.Count}}. Arguments are plain text (the views
// escape them). English is the reference: every other catalog may only use ids and
// placeholders that English has, and plural categories its language has in CLDR. New reports
// every problem with the file, id and cause. A message missing in a language falls back along
// its chain (pt-PT → pt-BR → en, de-AT → de → en), never to the raw id; Bundle.Gaps lists each
// fallback, and the package's tests fail when a shipped language has one. An id no catalog has
// is returned as is and listed by Bundle.Unknown.
//
// # Pseudo-locales
//
// en-XA (PseudoAccents) is English with every letter accented, each message about 35 % longer
// and wrapped in ⟦ ⟧; ar-XB (PseudoBidi) is the same, right to left. Render a page with
// bundle.Localizer(i18n.PseudoAccents) and PseudoLeaks(text) returns every run of text outside
// the brackets that has a letter: text that did not come from the catalog.
//
// The translator guide (adding a language, plural categories, the completeness test) is
// README.md in this directory.
package i18n
