package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// localeData is the resolved formatting data of one locale, ready to print as a cldr.Locale.
type localeData struct {
	id                      string
	zeroDigit               rune
	decimal, group, minus   string
	primaryGroup, secondary int
	minimumGroupingDigits   int
	monthsAbbr, monthsWide  [12]string
	dateMedium, dateAbbrev  []datePart
	now                     string
	relative                [7]relativeUnit
}

type datePart struct {
	field string // the cldr.DateField constant's name
	text  string
}

type relativePattern struct {
	before, after string
	hasNumber     bool
	present       bool
}

type relativeUnit struct{ future, past [6]relativePattern }

// relativeUnits are the dateFields keys in the order of cldr.Unit.
var relativeUnits = []string{"second", "minute", "hour", "day", "week", "month", "year"}

// readNumberingSystems returns the zero digit of every numeric numbering system with contiguous
// digits.
func readNumberingSystems(modules string) (map[string]rune, error) {
	var doc struct {
		Supplemental struct {
			NumberingSystems map[string]struct {
				Digits string `json:"_digits"`
				Type   string `json:"_type"`
			}
		}
	}
	if err := readJSON(filepath.Join(modules, "cldr-core", "supplemental", "numberingSystems.json"), &doc); err != nil {
		return nil, err
	}
	out := map[string]rune{}
	for name, ns := range doc.Supplemental.NumberingSystems {
		if ns.Type != "numeric" || utf8.RuneCountInString(ns.Digits) != 10 {
			continue
		}
		digits := []rune(ns.Digits)
		contiguous := true
		for i, d := range digits {
			contiguous = contiguous && d == digits[0]+rune(i)
		}
		if contiguous {
			out[name] = digits[0]
		}
	}
	return out, nil
}

// readLocale reads the numbers, Gregorian calendar and date fields of one locale. cldr-json's
// "full" packages are resolved, so each file holds the inherited values too.
func readLocale(modules, id string, zeroDigits map[string]rune) (localeData, error) {
	l := localeData{id: id}
	if err := readNumbers(modules, &l, zeroDigits); err != nil {
		return l, err
	}
	if err := readCalendar(modules, &l); err != nil {
		return l, err
	}
	if err := readDateFields(modules, &l); err != nil {
		return l, err
	}
	return l, nil
}

func readNumbers(modules string, l *localeData, zeroDigits map[string]rune) error {
	var doc struct {
		Main map[string]struct{ Numbers map[string]any }
	}
	if err := readJSON(filepath.Join(modules, "cldr-numbers-full", "main", l.id, "numbers.json"), &doc); err != nil {
		return err
	}
	n := doc.Main[l.id].Numbers
	ns, _ := n["defaultNumberingSystem"].(string)
	zero, ok := zeroDigits[ns]
	if !ok {
		return fmt.Errorf("numbering system %q is not a contiguous numeric system", ns)
	}
	l.zeroDigit = zero
	symbols, _ := n["symbols-numberSystem-"+ns].(map[string]any)
	l.decimal, _ = symbols["decimal"].(string)
	l.group, _ = symbols["group"].(string)
	l.minus, _ = symbols["minusSign"].(string)
	if l.decimal == "" || l.group == "" || l.minus == "" {
		return fmt.Errorf("numbering system %s lacks decimal, group or minus sign", ns)
	}
	mgd, _ := n["minimumGroupingDigits"].(string)
	var err error
	if l.minimumGroupingDigits, err = strconv.Atoi(mgd); err != nil {
		return fmt.Errorf("minimumGroupingDigits %q: %w", mgd, err)
	}
	formats, _ := n["decimalFormats-numberSystem-"+ns].(map[string]any)
	standard, _ := formats["standard"].(string)
	l.primaryGroup, l.secondary, err = groupingSizes(standard)
	return err
}

// groupingSizes reads the grouping of a decimal pattern: "#,##0.###" → 3, 3; "#,##,##0.###" → 3, 2.
func groupingSizes(pattern string) (primary, secondary int, err error) {
	integer, _, _ := strings.Cut(strings.Split(pattern, ";")[0], ".")
	groups := strings.Split(integer, ",")
	if len(groups) < 2 {
		return 0, 0, fmt.Errorf("decimal pattern %q has no grouping", pattern)
	}
	primary = len(groups[len(groups)-1])
	secondary = primary
	if len(groups) > 2 {
		secondary = len(groups[len(groups)-2])
	}
	return primary, secondary, nil
}

func readCalendar(modules string, l *localeData) error {
	type widths struct {
		Abbreviated map[string]string
		Wide        map[string]string
	}
	var doc struct {
		Main map[string]struct {
			Dates struct {
				Calendars struct {
					Gregorian struct {
						Months struct {
							Format widths
						}
						DateFormats     map[string]any
						DateTimeFormats struct {
							AvailableFormats map[string]string
						}
					}
				}
			}
		}
	}
	if err := readJSON(filepath.Join(modules, "cldr-dates-full", "main", l.id, "ca-gregorian.json"), &doc); err != nil {
		return err
	}
	g := doc.Main[l.id].Dates.Calendars.Gregorian
	for m := 1; m <= 12; m++ {
		key := strconv.Itoa(m)
		l.monthsAbbr[m-1], l.monthsWide[m-1] = g.Months.Format.Abbreviated[key], g.Months.Format.Wide[key]
		if l.monthsAbbr[m-1] == "" || l.monthsWide[m-1] == "" {
			return fmt.Errorf("month %d has no name", m)
		}
	}
	medium, _ := g.DateFormats["medium"].(string)
	var err error
	if l.dateMedium, err = compileDatePattern(medium); err != nil {
		return fmt.Errorf("dateFormats medium: %w", err)
	}
	if l.dateAbbrev, err = compileDatePattern(g.DateTimeFormats.AvailableFormats["yMMMd"]); err != nil {
		return fmt.Errorf("availableFormats yMMMd: %w", err)
	}
	return nil
}

// dateFields maps the supported CLDR pattern letters (by repeat count) to cldr.DateField names.
var dateFields = map[string]string{
	"y": "FieldYear", "yyyy": "FieldYear", "yy": "FieldYear2",
	"M": "FieldMonth", "MM": "FieldMonth2", "MMM": "FieldMonthAbbr", "MMMM": "FieldMonthWide",
	"d": "FieldDay", "dd": "FieldDay2",
}

// compileDatePattern splits a CLDR date pattern (TR35 "Date Format Patterns") into literal and
// field parts. ASCII letters are fields, text in single quotes is literal (” is a quote), and
// everything else is literal. It fails on a field it does not support.
func compileDatePattern(p string) ([]datePart, error) {
	if p == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	var parts []datePart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, datePart{field: "FieldLiteral", text: lit.String()})
			lit.Reset()
		}
	}
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\'':
			if i+1 < len(rs) && rs[i+1] == '\'' {
				lit.WriteRune('\'')
				i++
				continue
			}
			j := i + 1
			for ; j < len(rs) && rs[j] != '\''; j++ {
				lit.WriteRune(rs[j])
			}
			i = j
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			j := i
			for j < len(rs) && rs[j] == r {
				j++
			}
			run := string(rs[i:j])
			field, ok := dateFields[run]
			if !ok {
				return nil, fmt.Errorf("pattern %q: field %q is not supported", p, run)
			}
			flush()
			parts = append(parts, datePart{field: field})
			i = j - 1
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	return parts, nil
}

func readDateFields(modules string, l *localeData) error {
	var doc struct {
		Main map[string]struct {
			Dates struct{ Fields map[string]map[string]any }
		}
	}
	if err := readJSON(filepath.Join(modules, "cldr-dates-full", "main", l.id, "dateFields.json"), &doc); err != nil {
		return err
	}
	fields := doc.Main[l.id].Dates.Fields
	l.now, _ = fields["second"]["relative-type-0"].(string)
	if l.now == "" {
		return fmt.Errorf("second has no relative-type-0 (now)")
	}
	for u, unit := range relativeUnits {
		for dir, key := range []string{"relativeTime-type-future", "relativeTime-type-past"} {
			patterns, _ := fields[unit][key].(map[string]any)
			if _, ok := patterns["relativeTimePattern-count-other"]; !ok {
				return fmt.Errorf("%s %s has no other pattern", unit, key)
			}
			for c, cat := range pluralCategories {
				text, ok := patterns["relativeTimePattern-count-"+cat].(string)
				if !ok {
					continue
				}
				p, err := compileRelativePattern(text)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", unit, key, cat, err)
				}
				if dir == 0 {
					l.relative[u].future[c] = p
				} else {
					l.relative[u].past[c] = p
				}
			}
		}
	}
	return nil
}

func compileRelativePattern(text string) (relativePattern, error) {
	if strings.Count(text, "{0}") > 1 || strings.ContainsAny(strings.ReplaceAll(text, "{0}", ""), "{}") {
		return relativePattern{}, fmt.Errorf("pattern %q is not \"text{0}text\"", text)
	}
	before, after, has := strings.Cut(text, "{0}")
	return relativePattern{before: before, after: after, hasNumber: has, present: true}, nil
}
