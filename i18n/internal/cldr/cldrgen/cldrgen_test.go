package main

import (
	"fmt"
	"testing"
)

func TestCompileCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond, want string
		fails      bool
	}{
		{cond: "", want: ""},
		{cond: "i = 1 and v = 0", want: "o.i == 1 && o.v == 0"},
		{cond: "n % 100 = 3..10", want: "inRange(o.n%100, 3, 10)"},
		{cond: "v = 0 and i % 10 = 2..4 and i % 100 != 12..14",
			want: "o.v == 0 && inRange(o.i%10, 2, 4) && !(inRange(o.i%100, 12, 14))"},
		{cond: "i = 0,1", want: "(o.i == 0 || o.i == 1)"},
		{cond: "n = 0 or n = 1", want: "o.n == 0 || o.n == 1"},
		{cond: "e = 0 and i != 0 and i % 1000000 = 0 and v = 0 or e != 0..5",
			want: "o.e == 0 && !(o.i == 0) && o.i%1000000 == 0 && o.v == 0 || !(inRange(o.e, 0, 5))"},
		{cond: "n mod 10 = 1", want: "o.n%10 == 1"},
		{cond: "c = 0", want: "o.e == 0"},
		{cond: "x = 1", fails: true},
		{cond: "w = 1", fails: true},
		{cond: "n in 1", fails: true},
		{cond: "n = one", fails: true},
		{cond: "n = 1..b", fails: true},
	}
	for _, tt := range tests {
		got, err := compileCondition(tt.cond)
		if tt.fails {
			if err == nil {
				t.Errorf("%q: compiled to %q, want an error", tt.cond, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q:\n got %q, %v\nwant %q", tt.cond, got, err, tt.want)
		}
	}
}

func TestCompileDatePattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, want string
		fails         bool
	}{
		{pattern: "MMM d, y", want: "[FieldMonthAbbr] [FieldLiteral \" \"] [FieldDay] [FieldLiteral \", \"] [FieldYear]"},
		{pattern: "d 'de' MMM 'de' y", want: "[FieldDay] [FieldLiteral \" de \"] [FieldMonthAbbr] [FieldLiteral \" de \"] [FieldYear]"},
		{pattern: "y年M月d日", want: "[FieldYear] [FieldLiteral \"年\"] [FieldMonth] [FieldLiteral \"月\"] [FieldDay] [FieldLiteral \"日\"]"},
		{pattern: "d בMMM y", want: "[FieldDay] [FieldLiteral \" ב\"] [FieldMonthAbbr] [FieldLiteral \" \"] [FieldYear]"},
		{pattern: "dd.MM.yy ''", want: "[FieldDay2] [FieldLiteral \".\"] [FieldMonth2] [FieldLiteral \".\"] [FieldYear2] [FieldLiteral \" '\"]"},
		{pattern: "EEE, d MMM y", fails: true},
		{pattern: "", fails: true},
	}
	for _, tt := range tests {
		parts, err := compileDatePattern(tt.pattern)
		if tt.fails {
			if err == nil {
				t.Errorf("%q: compiled, want an error", tt.pattern)
			}
			continue
		}
		var got string
		for i, p := range parts {
			if i > 0 {
				got += " "
			}
			if p.field == "FieldLiteral" {
				got += fmt.Sprintf("[%s %q]", p.field, p.text)
			} else {
				got += "[" + p.field + "]"
			}
		}
		if err != nil || got != tt.want {
			t.Errorf("%q:\n got %s, %v\nwant %s", tt.pattern, got, err, tt.want)
		}
	}
}

func TestGroupingSizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern            string
		primary, secondary int
		fails              bool
	}{
		{pattern: "#,##0.###", primary: 3, secondary: 3},
		{pattern: "#,##,##0.###", primary: 3, secondary: 2},
		{pattern: "#,##0.###;-#,##0.###", primary: 3, secondary: 3},
		{pattern: "0.###", fails: true},
	}
	for _, tt := range tests {
		p, s, err := groupingSizes(tt.pattern)
		if (err != nil) != tt.fails || !tt.fails && (p != tt.primary || s != tt.secondary) {
			t.Errorf("%q: got %d, %d, %v", tt.pattern, p, s, err)
		}
	}
}

func TestCompileRelativePattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		want  relativePattern
		fails bool
	}{
		{text: "{0} minutes ago", want: relativePattern{after: " minutes ago", hasNumber: true, present: true}},
		{text: "vor {0} Minuten", want: relativePattern{before: "vor ", after: " Minuten", hasNumber: true, present: true}},
		{text: "قبل دقيقتين", want: relativePattern{before: "قبل دقيقتين", present: true}},
		{text: "{0} {0}", fails: true},
		{text: "in {1} days", fails: true},
	}
	for _, tt := range tests {
		got, err := compileRelativePattern(tt.text)
		if (err != nil) != tt.fails || !tt.fails && got != tt.want {
			t.Errorf("%q: got %+v, %v", tt.text, got, err)
		}
	}
}
