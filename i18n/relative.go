package i18n

import (
	"math"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
)

// Thresholds of RelativeTime's unit choice (the largest unit whose rounded count reads
// naturally, as moment.js and Intl-based libraries do).
const (
	relativeNowBelow    = 45 * time.Second // closer than this is "now"
	relativeMinuteBelow = 45 * time.Minute
	relativeHourBelow   = 22 * time.Hour
	relativeDayBelow    = 7 * 24 * time.Hour
	relativeWeekBelow   = 30 * 24 * time.Hour
	relativeMonthBelow  = 345 * 24 * time.Hour
	averageMonth        = time.Duration(30.436875 * 24 * float64(time.Hour)) // 365.2425 / 12 days
	averageYear         = time.Duration(365.2425 * 24 * float64(time.Hour))
)

// RelativeTime writes how far t is from now in the language, with CLDR's long relative-time
// patterns and plural forms: "now" within 45 seconds, then minutes, hours, days, weeks, months
// and years, rounded ("2 minutes ago", "vor 2 Minuten", "il y a 2 minutes", "2 分前",
// "2 minuty temu", "قبل دقيقتين"; "in 3 days" for the future).
func (l *Localizer) RelativeTime(t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	if d < 0 {
		d = -d
	}
	if d < relativeNowBelow {
		return l.pseudoFormat(l.format.Now)
	}
	unit, count := relativeUnit(d)
	return l.pseudoFormat(l.relative(unit, count, future))
}

// relative writes count units in the future or the past ("in 3 days", "3 days ago").
func (l *Localizer) relative(unit cldr.Unit, count int64, future bool) string {
	patterns := &l.format.Relative[unit].Past
	if future {
		patterns = &l.format.Relative[unit].Future
	}
	p := patterns[l.formatPlural.Select(count)]
	if !p.Present { // not in CLDR 48's data; a guard against a future table
		p = patterns[cldr.Other]
	}
	if !p.HasNumber {
		return p.Before
	}
	var b strings.Builder
	b.Grow(len(p.Before) + len(p.After) + 8)
	b.WriteString(p.Before)
	l.appendNumber(&b, count)
	b.WriteString(p.After)
	return b.String()
}

// relativeUnit picks the unit and the rounded count (at least 1) for a distance d ≥ 45 s.
func relativeUnit(d time.Duration) (cldr.Unit, int64) {
	round := func(per time.Duration) int64 {
		return max(1, int64(math.Round(float64(d)/float64(per))))
	}
	switch {
	case d < relativeMinuteBelow:
		return cldr.Minute, round(time.Minute)
	case d < relativeHourBelow:
		return cldr.Hour, round(time.Hour)
	case d < relativeDayBelow:
		return cldr.Day, round(24 * time.Hour)
	case d < relativeWeekBelow:
		return cldr.Week, round(7 * 24 * time.Hour)
	case d < relativeMonthBelow:
		return cldr.Month, round(averageMonth)
	default:
		return cldr.Year, round(averageYear)
	}
}
