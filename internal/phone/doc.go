// Package phone normalises and masks the phone numbers users type when they enroll SMS or
// voice. It is deliberately small: a number is accepted in international (E.164) form only,
// and Auth0 remains the final judge of whether it exists. Hosts that want national formats or
// real-number checks plug a full parser (such as nyaruka/phonenumbers) into the handler's
// phone-validator hook instead.
//
//	e164, err := phone.Normalize(r.PostFormValue("phone")) // "+44 20 7946 0958" -> "+442079460958"
//	var perr *phone.Error
//	if errors.As(err, &perr) {
//		show(perr.UserMessage()) // "Enter the number in international format, ..."
//	}
//	label := phone.Mask(e164) // "XXXXXXXXX0958", as Auth0 names phone authenticators
//
// # The rule Normalize applies
//
// After trimming surrounding white space the input must be:
//
//   - a "+" followed by the country code and the number, written with the ASCII digits 0-9;
//   - optionally split into groups by single separators: one space, dash or dot between two
//     groups, and parentheses around one group that follows another, as in
//     "+1 (415) 555-2671" or "+1(415)555.2671";
//   - 7 to 15 digits in all, the first (the start of the country code) not 0;
//   - at most 64 bytes before trimming.
//
// Everything else is rejected with a sentence the user can act on: a missing "+", the "00"
// international prefix, the "(0)" trunk prefix ("+44 (0)20 ..."), letters, other scripts'
// digits (Arabic-Indic "١٢٣", full-width "１２３"), invisible and bidirectional control
// characters, doubled or dangling separators, unbalanced or nested parentheses, and too few or
// too many digits. The result always matches ^\+[1-9][0-9]{6,14}$.
//
// Errors never contain the number (full phone numbers stay out of logs and error pages).
package phone
