package cldr

// Locale is the formatting data of one CLDR locale, resolved (inheritance applied) by the
// generator.
type Locale struct {
	ID string

	// ZeroDigit is the first digit of the locale's default numbering system ('0' for latn,
	// '٠' for arab); the generator checks that the system's digits are contiguous.
	ZeroDigit rune
	// Decimal, Group and Minus are the number symbols of the default numbering system.
	Decimal, Group, Minus string
	// PrimaryGroup and SecondaryGroup are the grouping sizes of the standard decimal pattern
	// (3 and 3 for "#,##0.###", 3 and 2 for "#,##,##0.###").
	PrimaryGroup, SecondaryGroup int
	// MinimumGroupingDigits is CLDR's minimumGroupingDigits: 2 means 1000 is written without a
	// separator and 10000 with one (es, pl).
	MinimumGroupingDigits int

	// MonthsAbbr and MonthsWide are the format-context month names, January first.
	MonthsAbbr, MonthsWide [12]string
	// DateMedium is dateFormats/medium; DateAbbrev is availableFormats/yMMMd (day, abbreviated
	// month name, year).
	DateMedium, DateAbbrev []DatePart

	// Now is the text for "now" (dateFields/second/relative-type-0).
	Now string
	// Relative holds the long relative-time patterns by unit.
	Relative [UnitCount]RelativeUnit
}

// DateField is the kind of a date pattern part.
type DateField uint8

// The pattern fields the generator supports (it fails on any other).
const (
	FieldLiteral   DateField = iota // Text
	FieldYear                       // y: the full year
	FieldYear2                      // yy: the last two digits
	FieldMonth                      // M: 1–12
	FieldMonth2                     // MM: 01–12
	FieldMonthAbbr                  // MMM
	FieldMonthWide                  // MMMM
	FieldDay                        // d: 1–31
	FieldDay2                       // dd: 01–31
)

// DatePart is one compiled part of a CLDR date pattern.
type DatePart struct {
	Field DateField
	Text  string // for FieldLiteral
}

// Unit is a relative-time unit.
type Unit uint8

// The relative-time units, smallest first.
const (
	Second Unit = iota
	Minute
	Hour
	Day
	Week
	Month
	Year
	UnitCount
)

// RelativeUnit holds one unit's patterns, indexed by plural category. A pattern with
// HasNumber false ("قبل دقيقتين", "two minutes ago") contains no number.
type RelativeUnit struct {
	Future, Past [PluralCount]RelativePattern
}

// RelativePattern is "{Before}{number}{After}", or Before alone when HasNumber is false.
type RelativePattern struct {
	Before, After string
	HasNumber     bool
	Present       bool
}

// FindLocale returns the formatting data of the CLDR locale id (e.g. "de", "ar-EG", "zh-Hant").
func FindLocale(id string) (*Locale, bool) {
	l, ok := locales[id]
	return l, ok
}

// LocaleIDs returns the ids of every locale with formatting data.
func LocaleIDs() []string {
	ids := make([]string, 0, len(locales))
	for id := range locales {
		ids = append(ids, id)
	}
	return ids
}
