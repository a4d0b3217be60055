// Package cldr holds the Unicode CLDR data the i18n package formats with: plural rules for every
// CLDR language, and, for a chosen set of locales, number symbols, date patterns, month names and
// relative-time patterns. The tables in tables.go are generated from the CLDR JSON packages on
// npm (cldr-core, cldr-dates-full, cldr-numbers-full) at a pinned version, so tests and builds
// never need node.
//
// Refresh (needs node and npm; downloads the pinned CLDR packages into a temporary directory):
//
//	go generate ./i18n/internal/cldr
//
// To add a formatting locale, add it to formatLocales in cldrgen/locales.go and regenerate.
//
// Use:
//
//	loc, ok := cldr.FindLocale("de")      // formatting data, exact CLDR locale id
//	rule, ok := cldr.FindPluralRule("pl") // plural rule, exact CLDR locale id
//	cat := rule.Select(5)                 // cldr.Many
package cldr

//go:generate go run ./cldrgen -out tables.go
