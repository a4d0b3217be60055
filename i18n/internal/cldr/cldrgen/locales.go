package main

// cldrVersion is the CLDR release the tables are generated from (the npm packages' version).
const cldrVersion = "48.2.0"

// cldrPackages are the npm packages the generator reads.
var cldrPackages = []string{"cldr-core", "cldr-dates-full", "cldr-numbers-full"}

// formatLocales are the CLDR locales that get formatting data (numbers, dates, relative time):
// every language i18n ships (pt is CLDR's Brazilian Portuguese), plus common languages a host may
// add without regenerating. Plural rules are generated for every CLDR language regardless.
var formatLocales = []string{
	// shipped
	"en", "de", "fr", "es", "pt", "ja", "pl", "ar",
	// regional variants of shipped languages a host may add
	"en-GB", "en-IN", "de-CH", "de-AT", "fr-CA", "es-419", "es-MX", "pt-PT", "ar-EG", "ar-SA",
	// other common languages
	"it", "nl", "sv", "da", "nb", "fi", "cs", "sk", "hu", "ro", "el", "tr", "ru", "uk", "bg",
	"hr", "sl", "sr", "lt", "lv", "et", "ca", "he", "fa", "ur", "hi", "bn", "id", "ms", "vi",
	"th", "ko", "zh", "zh-Hant",
}
