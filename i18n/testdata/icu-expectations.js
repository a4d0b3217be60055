// Writes icu-cldr48.json: what ICU (through Node's Intl) prints for the dates, numbers and
// relative times the i18n tests check, for every locale with CLDR formatting data. It is an
// independent oracle for the generated tables and the Go formatting code: ICU 78 carries the
// same CLDR 48 as the tables. The tests read the JSON and never need node.
//
// V8 writes U+202F NARROW NO-BREAK SPACE in date output as a plain space (a web-compatibility
// patch on top of ICU), so the tests compare dates with U+202F mapped to U+0020.
//
// Refresh: node i18n/testdata/icu-expectations.js > i18n/testdata/icu-cldr48.json
// (check that process.versions.cldr starts with the tables' CLDR major version first).
"use strict";
const locales = process.argv.slice(2).length ? process.argv.slice(2) : [
  "en", "de", "fr", "es", "pt", "ja", "pl", "ar",
  "en-GB", "en-IN", "de-CH", "de-AT", "fr-CA", "es-419", "es-MX", "pt-PT", "ar-EG", "ar-SA",
  "it", "nl", "sv", "da", "nb", "fi", "cs", "sk", "hu", "ro", "el", "tr", "ru", "uk", "bg",
  "hr", "sl", "sr", "lt", "lv", "et", "ca", "he", "fa", "ur", "hi", "bn", "id", "ms", "vi",
  "th", "ko", "zh", "zh-Hant",
];
const dates = ["2026-12-03", "2027-01-09", "2026-05-31", "2005-07-01"];
const integers = [0, 7, 999, 1000, 1234, 12345, 123456, 1234567, -1234567, 1000000000];
const decimals = [[1234.5, 2], [-0.25, 2], [3.14159, 3], [1e6, 1], [12345.678, 0], [2.5, 0], [-2.5, 0], [0.125, 2], [1.005, 2], [9.995, 2], [99.5, 0], [-0.001, 2]];
const units = ["minute", "hour", "day", "week", "month", "year"];
const counts = [1, 2, 3, 5, 11, 22, 25, 100, 101];

const out = { icu: process.versions.icu, cldr: process.versions.cldr, locales: {} };
for (const l of locales) {
  // Gregorian always: the Go side has no other calendar (th and fa prefer Buddhist and Persian).
  const medium = new Intl.DateTimeFormat(l, { dateStyle: "medium", timeZone: "UTC", calendar: "gregory" });
  const abbrev = new Intl.DateTimeFormat(l, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC", calendar: "gregory" });
  const number = new Intl.NumberFormat(l);
  const rtf = new Intl.RelativeTimeFormat(l, { numeric: "always", style: "long" });
  const auto = new Intl.RelativeTimeFormat(l, { numeric: "auto", style: "long" });
  const e = { dates: {}, integers: {}, decimals: [], relative: [], now: auto.format(0, "second") };
  for (const d of dates) {
    const t = new Date(d + "T12:00:00Z");
    e.dates[d] = { medium: medium.format(t), abbrev: abbrev.format(t) };
  }
  for (const n of integers) e.integers[String(n)] = number.format(n);
  for (const [f, digits] of decimals) {
    const fmt = new Intl.NumberFormat(l, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    e.decimals.push({ value: f, digits, text: fmt.format(f) });
  }
  for (const u of units) {
    for (const c of counts) {
      e.relative.push({ unit: u, count: c, past: rtf.format(-c, u), future: rtf.format(c, u) });
    }
  }
  out.locales[l] = e;
}
// One locale a line, so a refresh diffs by locale.
const lines = Object.entries(out.locales).map(([l, e]) => " " + JSON.stringify(l) + ": " + JSON.stringify(e));
process.stdout.write(`{"icu": ${JSON.stringify(out.icu)}, "cldr": ${JSON.stringify(out.cldr)}, "locales": {\n${lines.join(",\n")}\n}}\n`);
