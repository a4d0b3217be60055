package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// pluralCategories are CLDR's plural categories in the order of cldr.Plural.
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// pluralRuleSet is one language's rules: a Go condition per category (other has none).
type pluralRuleSet struct {
	conditions [6]string // Go boolean expressions over o; "" for absent categories and other
	present    [6]bool
}

func (s pluralRuleSet) key() string { return fmt.Sprint(s.conditions, s.present) }

// readPlurals parses supplemental/plurals.json into rule sets by locale id.
func readPlurals(modules string) (map[string]pluralRuleSet, error) {
	var doc struct {
		Supplemental struct {
			Cardinal map[string]map[string]string `json:"plurals-type-cardinal"`
		}
	}
	if err := readJSON(filepath.Join(modules, "cldr-core", "supplemental", "plurals.json"), &doc); err != nil {
		return nil, err
	}
	out := make(map[string]pluralRuleSet, len(doc.Supplemental.Cardinal))
	for id, rules := range doc.Supplemental.Cardinal {
		var set pluralRuleSet
		for key, rule := range rules {
			cat := strings.TrimPrefix(key, "pluralRule-count-")
			idx := indexOf(pluralCategories, cat)
			if idx < 0 {
				return nil, fmt.Errorf("plurals %s: unknown category %q", id, cat)
			}
			cond, _, _ := strings.Cut(rule, "@")
			expr, err := compileCondition(strings.TrimSpace(cond))
			if err != nil {
				return nil, fmt.Errorf("plurals %s %s %q: %w", id, cat, rule, err)
			}
			if cat == "other" && expr != "" {
				return nil, fmt.Errorf("plurals %s: other has a condition %q", id, cond)
			}
			if cat != "other" && expr == "" {
				return nil, fmt.Errorf("plurals %s: %s has no condition", id, cat)
			}
			set.conditions[idx], set.present[idx] = expr, true
		}
		if !set.present[5] {
			return nil, fmt.Errorf("plurals %s: no other category", id)
		}
		out[id] = set
	}
	return out, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// compileCondition turns a CLDR plural condition (TR35 syntax: relations joined by "and"/"or",
// each "operand [mod|% m] (=|!=) range_list") into a Go expression over o *operands.
func compileCondition(cond string) (string, error) {
	if cond == "" {
		return "", nil
	}
	var ors []string
	for _, orPart := range strings.Split(cond, " or ") {
		var ands []string
		for _, rel := range strings.Split(orPart, " and ") {
			expr, err := compileRelation(strings.TrimSpace(rel))
			if err != nil {
				return "", err
			}
			ands = append(ands, expr)
		}
		ors = append(ors, strings.Join(ands, " && "))
	}
	return strings.Join(ors, " || "), nil
}

func compileRelation(rel string) (string, error) {
	left, right, negate := strings.Cut(rel, "!=")
	if !negate {
		var ok bool
		if left, right, ok = strings.Cut(rel, "="); !ok {
			return "", fmt.Errorf("relation %q has no = or !=", rel)
		}
	}
	operand, err := compileOperand(strings.TrimSpace(left))
	if err != nil {
		return "", err
	}
	var alts []string
	for _, item := range strings.Split(strings.TrimSpace(right), ",") {
		item = strings.TrimSpace(item)
		if lo, hi, isRange := strings.Cut(item, ".."); isRange {
			if !isNumber(lo) || !isNumber(hi) {
				return "", fmt.Errorf("range %q is not numeric", item)
			}
			alts = append(alts, fmt.Sprintf("inRange(%s, %s, %s)", operand, lo, hi))
			continue
		}
		if !isNumber(item) {
			return "", fmt.Errorf("value %q is not numeric", item)
		}
		alts = append(alts, fmt.Sprintf("%s == %s", operand, item))
	}
	expr := strings.Join(alts, " || ")
	if negate {
		return "!(" + expr + ")", nil
	}
	if len(alts) > 1 {
		return "(" + expr + ")", nil
	}
	return expr, nil
}

func compileOperand(s string) (string, error) {
	fields := strings.Fields(strings.ReplaceAll(s, "%", " % "))
	var name string
	switch {
	case len(fields) == 1:
		name = fields[0]
	case len(fields) == 3 && (fields[1] == "%" || fields[1] == "mod") && isNumber(fields[2]):
		name = fields[0]
	default:
		return "", fmt.Errorf("operand %q is not supported", s)
	}
	if name == "c" {
		name = "e" // TR35: c is a deprecated synonym of e
	}
	if len(name) != 1 || !strings.Contains("nivfte", name) {
		return "", fmt.Errorf("operand %q is not supported (cldr.operands has n, i, v, f, t, e)", name)
	}
	if len(fields) == 3 {
		return fmt.Sprintf("o.%s%%%s", name, fields[2]), nil
	}
	return "o." + name, nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// writePlurals emits one select function per distinct rule set and the pluralRules map.
func writePlurals(b *bytes.Buffer, rules map[string]pluralRuleSet) {
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	funcs := map[string]string{}
	var order []pluralRuleSet
	for _, id := range ids {
		k := rules[id].key()
		if _, ok := funcs[k]; !ok {
			funcs[k] = fmt.Sprintf("pluralRule%d", len(order))
			order = append(order, rules[id])
		}
	}
	for i, set := range order {
		fmt.Fprintf(b, "func pluralRule%d(o operands) Plural {\n", i)
		for c := 0; c < 5; c++ {
			if set.present[c] {
				fmt.Fprintf(b, "if %s {\nreturn %s\n}\n", set.conditions[c], goCategory(c))
			}
		}
		b.WriteString("return Other\n}\n\n")
	}
	b.WriteString("// pluralRules holds the cardinal plural rules of every CLDR language.\n")
	b.WriteString("var pluralRules = map[string]PluralRule{\n")
	for _, id := range ids {
		set := rules[id]
		var mask int
		for c := range set.present {
			if set.present[c] {
				mask |= 1 << c
			}
		}
		fmt.Fprintf(b, "%q: {selectFn: %s, categories: %#b},\n", id, funcs[set.key()], mask)
	}
	b.WriteString("}\n\n")
}

func goCategory(c int) string {
	return strings.ToUpper(pluralCategories[c][:1]) + pluralCategories[c][1:]
}
