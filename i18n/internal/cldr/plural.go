package cldr

// Plural is a CLDR plural category.
type Plural uint8

// The CLDR plural categories, in CLDR's order.
const (
	Zero Plural = iota
	One
	Two
	Few
	Many
	Other
)

// PluralCount is the number of plural categories.
const PluralCount = 6

var pluralNames = [PluralCount]string{"zero", "one", "two", "few", "many", "other"}

// String returns the category's CLDR name ("one", "few", …).
func (p Plural) String() string {
	if int(p) < len(pluralNames) {
		return pluralNames[p]
	}
	return "invalid"
}

// ParsePlural returns the category named s ("zero", "one", "two", "few", "many" or "other").
func ParsePlural(s string) (Plural, bool) {
	for i, name := range pluralNames {
		if name == s {
			return Plural(i), true
		}
	}
	return 0, false
}

// PluralSet is a set of plural categories.
type PluralSet uint8

// Has reports whether p is in the set.
func (s PluralSet) Has(p Plural) bool { return s&(1<<p) != 0 }

// List returns the categories in the set, in CLDR order.
func (s PluralSet) List() []Plural {
	var out []Plural
	for p := Zero; p <= Other; p++ {
		if s.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// operands are CLDR's plural operands (TR35 "Plural Operand Meanings") of an integer count:
// n and i are its absolute value; v, f and t (fraction digits) and e (compact exponent) are 0.
// CLDR 48's cardinal rules use no other operand (cldrgen refuses w, and writes c as e).
type operands struct {
	n, i, v, f, t, e int64
}

// PluralRule selects the plural category of an integer count in one language.
type PluralRule struct {
	selectFn   func(o operands) Plural
	categories PluralSet
}

// Select returns the CLDR plural category of the integer count n.
func (r PluralRule) Select(n int64) Plural {
	if n < 0 {
		n = -n
	}
	o := operands{n: n, i: n}
	return r.selectFn(o)
}

// Categories returns the categories the language uses (always including Other).
func (r PluralRule) Categories() PluralSet { return r.categories }

// FindPluralRule returns the cardinal plural rule of the CLDR locale id (e.g. "pl", "pt-PT").
// Callers walk their tag's parents (pt-BR → pt) themselves.
func FindPluralRule(id string) (PluralRule, bool) {
	r, ok := pluralRules[id]
	return r, ok
}

// OtherOnlyRule returns the rule of languages without plural distinctions (every count is
// Other), for a language CLDR does not know.
func OtherOnlyRule() PluralRule {
	return PluralRule{selectFn: func(operands) Plural { return Other }, categories: 1 << Other}
}

// inRange reports whether lo ≤ x ≤ hi.
func inRange(x, lo, hi int64) bool { return lo <= x && x <= hi }
