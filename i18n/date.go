package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
)

// Date writes t's date in CLDR's medium date format of the language, in t's location (convert
// t to the user's zone first): en "Dec 3, 2026", de "03.12.2026", fr "3 déc. 2026",
// ja "2026/12/03", pl "3 gru 2026", ar "03‏/12‏/2026" (CLDR 48 writes ar with Latin digits;
// ar-EG and ar-SA with Arabic-Indic ones).
func (l *Localizer) Date(t time.Time) string {
	return l.pseudoFormat(l.formatDate(l.format.DateMedium, t))
}

// DateAbbrev writes t's date with the abbreviated month name (CLDR skeleton yMMMd): en
// "Dec 3, 2026", de "3. Dez. 2026", fr "3 déc. 2026", ja "2026年12月3日", pt "3 de dez. de 2026".
func (l *Localizer) DateAbbrev(t time.Time) string {
	return l.pseudoFormat(l.formatDate(l.format.DateAbbrev, t))
}

func (l *Localizer) formatDate(pattern []cldr.DatePart, t time.Time) string {
	var b strings.Builder
	b.Grow(32)
	var buf [20]byte
	zero := l.format.ZeroDigit
	year, month, day := t.Date()
	for _, p := range pattern {
		switch p.Field {
		case cldr.FieldLiteral:
			b.WriteString(p.Text)
		case cldr.FieldYear:
			writeDigits(&b, zero, strconv.AppendInt(buf[:0], int64(year), 10))
		case cldr.FieldYear2:
			writePadded(&b, zero, year%100)
		case cldr.FieldMonth:
			writeDigits(&b, zero, strconv.AppendInt(buf[:0], int64(month), 10))
		case cldr.FieldMonth2:
			writePadded(&b, zero, int(month))
		case cldr.FieldMonthAbbr:
			b.WriteString(l.format.MonthsAbbr[month-1])
		case cldr.FieldMonthWide:
			b.WriteString(l.format.MonthsWide[month-1])
		case cldr.FieldDay:
			writeDigits(&b, zero, strconv.AppendInt(buf[:0], int64(day), 10))
		case cldr.FieldDay2:
			writePadded(&b, zero, day)
		}
	}
	return b.String()
}

// writePadded writes 0 ≤ n < 100 as two digits.
func writePadded(b *strings.Builder, zero rune, n int) {
	digits := [2]byte{byte('0' + n/10), byte('0' + n%10)}
	writeDigits(b, zero, digits[:])
}
