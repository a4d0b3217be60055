package i18n

import (
	"math"
	"strconv"
	"strings"
)

// Number writes n in the language's digits, grouping and minus sign (CLDR): 1234567 is
// "1,234,567" in en, "1.234.567" in de, "1 234 567" (narrow no-break spaces) in fr, "1234" but
// "12 345" in pl (minimumGroupingDigits 2), "12,34,567" in hi, "١٬٢٣٤" in ar-EG.
func (l *Localizer) Number(n int64) string {
	var b strings.Builder
	l.appendNumber(&b, n)
	return b.String()
}

// Decimal writes f rounded to fractionDigits digits after the separator (0 to 15), in the
// language's digits and symbols: 1234.5 with 2 digits is "1,234.50" in en and "1.234,50" in de.
func (l *Localizer) Decimal(f float64, fractionDigits int) string {
	fractionDigits = max(0, min(fractionDigits, 15))
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', fractionDigits, 64)
	integer, fraction, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString(l.format.Minus)
	}
	l.writeGrouped(&b, integer)
	if fraction != "" {
		b.WriteString(l.format.Decimal)
		l.writeDigits(&b, fraction)
	}
	return b.String()
}

func (l *Localizer) appendNumber(b *strings.Builder, n int64) {
	var buf [20]byte
	u := uint64(n)
	if n < 0 {
		b.WriteString(l.format.Minus)
		u = -u
	}
	l.writeGrouped(b, string(strconv.AppendUint(buf[:0], u, 10)))
}

// writeGrouped writes ASCII digits with the locale's grouping: groups of PrimaryGroup digits at
// the right, SecondaryGroup further left, and no grouping at all below PrimaryGroup +
// MinimumGroupingDigits digits.
func (l *Localizer) writeGrouped(b *strings.Builder, digits string) {
	f := l.format
	if len(digits) < f.PrimaryGroup+f.MinimumGroupingDigits {
		l.writeDigits(b, digits)
		return
	}
	head := digits[:len(digits)-f.PrimaryGroup]
	tail := digits[len(digits)-f.PrimaryGroup:]
	first := len(head) % f.SecondaryGroup
	if first == 0 {
		first = f.SecondaryGroup
	}
	l.writeDigits(b, head[:first])
	for i := first; i < len(head); i += f.SecondaryGroup {
		b.WriteString(f.Group)
		l.writeDigits(b, head[i:i+f.SecondaryGroup])
	}
	b.WriteString(f.Group)
	l.writeDigits(b, tail)
}

// writeDigits writes ASCII digits in the locale's numbering system.
func (l *Localizer) writeDigits(b *strings.Builder, digits string) {
	zero := l.format.ZeroDigit
	if zero == '0' {
		b.WriteString(digits)
		return
	}
	for i := 0; i < len(digits); i++ {
		b.WriteRune(zero + rune(digits[i]-'0'))
	}
}
