package tenant

import (
	"regexp"
	"strings"
)

// A passkey's user_agent as Auth0 lists it: [COMM] a recorded list shows
// "Chrome 137.0.0 / Mac OS X 10.15.7" for a Chrome on macOS, the form of the npm "useragent"
// package ("{browser} {major.minor.patch} / {os} {version}"). Only that case is recorded; the
// other browsers and systems below are the same form by inference [INF], and a User-Agent it
// does not recognise is kept as sent (bounded), a choice of this emulator.

// userAgentParsed: chosen true, as the recorded list shows.
const userAgentParsed = true

var (
	uaEdge    = regexp.MustCompile(`\bEdg(?:e|A|iOS)?/([0-9.]+)`)
	uaFirefox = regexp.MustCompile(`\b(?:Firefox|FxiOS)/([0-9.]+)`)
	uaChrome  = regexp.MustCompile(`\b(?:Chrome|CriOS)/([0-9.]+)`)
	uaSafari  = regexp.MustCompile(`\bVersion/([0-9.]+).*\bSafari/`)
	uaMac     = regexp.MustCompile(`\bMac OS X ([0-9_.]+)`)
	uaIOS     = regexp.MustCompile(`\b(?:iPhone|CPU) OS ([0-9_]+)`)
	uaAndroid = regexp.MustCompile(`\bAndroid ([0-9.]+)`)
	uaWindows = regexp.MustCompile(`\bWindows NT ([0-9.]+)`)
)

// describeUserAgent is user_agent for a User-Agent header.
func describeUserAgent(ua string) string {
	ua = boundUserAgent(ua)
	if !userAgentParsed {
		return ua
	}
	browser := uaBrowser(ua)
	os := uaOS(ua)
	if browser == "" || os == "" {
		return ua
	}
	return browser + " / " + os
}

func uaBrowser(ua string) string {
	mobile := strings.Contains(ua, "Mobile")
	for _, b := range []struct {
		re   *regexp.Regexp
		name string
	}{{uaEdge, "Edge"}, {uaFirefox, "Firefox"}, {uaChrome, "Chrome"}, {uaSafari, "Safari"}} {
		if m := b.re.FindStringSubmatch(ua); m != nil {
			name := b.name
			if mobile && name != "Edge" {
				name += " Mobile"
			}
			if name == "Safari Mobile" {
				name = "Mobile Safari"
			}
			return name + " " + threePart(m[1])
		}
	}
	return ""
}

func uaOS(ua string) string {
	switch {
	case uaIOS.MatchString(ua):
		return "iOS " + threePart(uaIOS.FindStringSubmatch(ua)[1])
	case uaMac.MatchString(ua):
		return "Mac OS X " + threePart(uaMac.FindStringSubmatch(ua)[1])
	case uaAndroid.MatchString(ua):
		return "Android " + threePart(uaAndroid.FindStringSubmatch(ua)[1])
	case uaWindows.MatchString(ua):
		if v := uaWindows.FindStringSubmatch(ua)[1]; v == "10.0" {
			return "Windows 10" // Windows 11 reports NT 10.0 too
		}
		return "Windows"
	case strings.Contains(ua, "Linux"):
		return "Linux"
	}
	return ""
}

// threePart is a version as major.minor.patch: "137.0.0.0" → "137.0.0", "10_15_7" →
// "10.15.7", "128.0" → "128.0.0".
func threePart(v string) string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' })
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return strings.Join(parts[:3], ".")
}
