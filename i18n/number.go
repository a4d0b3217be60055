package i18n

import (
	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
	"math"
	"strconv"
	"strings"
)

// Number writes n in the language's digits, grouping and minus sign (CLDR): 1234567 is
// "1,234,567" in en, "1.234.567" in de, "1 234 567" (narrow no-break spaces) in fr, "1234" but
// "12 345" in pl (minimumGroupingDigits 2), "12,34,567" in hi, "١٬٢٣٤" in ar-EG.
func (l *Localizer) Number(n int64) string {
	var b strings.Builder
	b.Grow(64) // 19 digits of up to 2 bytes, 6 separators of up to 3, a sign of up to 5
	l.appendNumber(&b, n)
	return b.String()
}

// Decimal writes f rounded to fractionDigits digits after the separator (0 to 15), in the
// language's digits and symbols: 1234.5 with 2 digits is "1,234.50" in en and "1.234,50" in de.
// Like ICU (and Intl.NumberFormat), it rounds the shortest decimal that reads back as f, half
// away from zero (2.5 → "3", 1.005 → "1.01"), and keeps the minus sign of a negative value that
// rounds to zero (-0.001 → "-0.00").
func (l *Localizer) Decimal(f float64, fractionDigits int) string {
	fractionDigits = max(0, min(fractionDigits, 15))
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := roundHalfExpand(math.Abs(f), fractionDigits)
	integer, fraction, _ := strings.Cut(s, ".")
	var b strings.Builder
	if math.Signbit(f) {
		b.WriteString(l.format.Minus)
	}
	writeGrouped(&b, l.format, integer)
	if fraction != "" {
		b.WriteString(l.format.Decimal)
		writeDigits(&b, l.format.ZeroDigit, fraction)
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
	writeGrouped(b, l.format, strconv.AppendUint(buf[:0], u, 10))
}

// writeGrouped writes ASCII digits with the locale's grouping: groups of PrimaryGroup digits at
// the right, SecondaryGroup further left, and no grouping at all below PrimaryGroup +
// MinimumGroupingDigits digits.
func writeGrouped[D ~string | ~[]byte](b *strings.Builder, f *cldr.Locale, digits D) {
	if len(digits) < f.PrimaryGroup+f.MinimumGroupingDigits {
		writeDigits(b, f.ZeroDigit, digits)
		return
	}
	head := digits[:len(digits)-f.PrimaryGroup]
	tail := digits[len(digits)-f.PrimaryGroup:]
	first := len(head) % f.SecondaryGroup
	if first == 0 {
		first = f.SecondaryGroup
	}
	writeDigits(b, f.ZeroDigit, head[:first])
	for i := first; i < len(head); i += f.SecondaryGroup {
		b.WriteString(f.Group)
		writeDigits(b, f.ZeroDigit, head[i:i+f.SecondaryGroup])
	}
	b.WriteString(f.Group)
	writeDigits(b, f.ZeroDigit, tail)
}

// writeDigits writes ASCII digits in the numbering system whose zero is zero.
func writeDigits[D ~string | ~[]byte](b *strings.Builder, zero rune, digits D) {
	for i := 0; i < len(digits); i++ {
		if zero == '0' {
			b.WriteByte(digits[i])
		} else {
			b.WriteRune(zero + rune(digits[i]-'0'))
		}
	}
}

// roundHalfExpand writes f ≥ 0 with digits fraction digits: its shortest decimal form
// (strconv's), rounded half away from zero.
func roundHalfExpand(f float64, digits int) string {
	shortest := strconv.FormatFloat(f, 'f', -1, 64)
	integer, fraction, _ := strings.Cut(shortest, ".")
	for len(fraction) <= digits {
		fraction += "0"
	}
	kept := []byte(integer + fraction[:digits])
	if fraction[digits] >= '5' {
		i := len(kept) - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i < 0 {
			kept = append([]byte{'1'}, kept...)
		} else {
			kept[i]++
		}
	}
	if digits == 0 {
		return string(kept)
	}
	cut := len(kept) - digits
	return string(kept[:cut]) + "." + string(kept[cut:])
}
