package main

import (
	"bytes"
	"fmt"
)

// writeLocales emits the locales map.
func writeLocales(b *bytes.Buffer, locs []localeData) {
	b.WriteString("// locales holds the formatting data of every generated locale.\n")
	b.WriteString("var locales = map[string]*Locale{\n")
	for _, l := range locs {
		fmt.Fprintf(b, "%q: {\nID: %q,\n", l.id, l.id)
		fmt.Fprintf(b, "ZeroDigit: %q, Decimal: %q, Group: %q, Minus: %q,\n", l.zeroDigit, l.decimal, l.group, l.minus)
		fmt.Fprintf(b, "PrimaryGroup: %d, SecondaryGroup: %d, MinimumGroupingDigits: %d,\n", l.primaryGroup, l.secondary, l.minimumGroupingDigits)
		fmt.Fprintf(b, "MonthsAbbr: %#v,\n", l.monthsAbbr)
		fmt.Fprintf(b, "MonthsWide: %#v,\n", l.monthsWide)
		fmt.Fprintf(b, "DateMedium: %s,\n", datePartsLiteral(l.dateMedium))
		fmt.Fprintf(b, "DateAbbrev: %s,\n", datePartsLiteral(l.dateAbbrev))
		fmt.Fprintf(b, "Now: %q,\n", l.now)
		b.WriteString("Relative: [UnitCount]RelativeUnit{\n")
		for _, u := range l.relative {
			fmt.Fprintf(b, "{Future: %s, Past: %s},\n", patternsLiteral(u.future), patternsLiteral(u.past))
		}
		b.WriteString("},\n},\n")
	}
	b.WriteString("}\n")
}

func datePartsLiteral(parts []datePart) string {
	var b bytes.Buffer
	b.WriteString("[]DatePart{")
	for _, p := range parts {
		if p.field == "FieldLiteral" {
			fmt.Fprintf(&b, "{Field: FieldLiteral, Text: %q}, ", p.text)
		} else {
			fmt.Fprintf(&b, "{Field: %s}, ", p.field)
		}
	}
	b.WriteString("}")
	return b.String()
}

func patternsLiteral(ps [6]relativePattern) string {
	var b bytes.Buffer
	b.WriteString("[PluralCount]RelativePattern{")
	for _, p := range ps {
		if !p.present {
			b.WriteString("{}, ")
			continue
		}
		fmt.Fprintf(&b, "{Before: %q, After: %q, HasNumber: %t, Present: true}, ", p.before, p.after, p.hasNumber)
	}
	b.WriteString("}")
	return b.String()
}
