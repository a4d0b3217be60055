package enroll

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength bounds a method's name, in characters. [UNK] in the reference: the My Account
// API documents no length for name; chosen because a name is a short label on a list
// ("Work phone", "iPhone 15"), and 64 characters leave room in every language.
const MaxNameLength = 64

// Rename gives the method holding authenticator id the user's own name. BadName: the name is
// empty, too long or not plain text; NotSupported: the backend cannot rename.
func (t *Tx) Rename(id, name string) Result {
	rn, ok := t.s.Backend.(Renamer)
	if !ok {
		return Result{Outcome: NotSupported}
	}
	name = strings.TrimSpace(name)
	if !validName(name) {
		return Result{Outcome: BadName, ID: id, Value: limitLen(name, 4*MaxNameLength)}
	}
	at := Place{Kind: AtRename, ID: id}
	return t.changeMethod(id, at, func(token string, m Method) Result {
		if err := rn.Rename(t.ctx, token, id, name); err != nil {
			return failed(err, at)
		}
		return Result{Outcome: Renamed, Method: m, Value: name}.with(Event{Kind: "factor_renamed", Factor: GroupFactor(m)})
	})
}

// SetChannel makes the phone method holding authenticator id prefer channel ("sms" or
// "voice").
func (t *Tx) SetChannel(id, channel string) Result {
	cs, ok := t.s.Backend.(ChannelSwitcher)
	if !ok {
		return Result{Outcome: NotSupported}
	}
	if channel != "sms" && channel != "voice" {
		return Result{Outcome: BadChannel, ID: id}
	}
	at := Place{Kind: AtList}
	return t.changeMethod(id, at, func(token string, m Method) Result {
		if m.Group != "phone" {
			return Result{Outcome: BadChannel, ID: id}
		}
		if m.Preferred == channel {
			return Result{Outcome: ChannelSet, Method: m, Value: channel} // nothing to change
		}
		if err := cs.SetChannel(t.ctx, token, id, channel); err != nil {
			return failed(err, at)
		}
		f := SMS
		if channel == "voice" {
			f = Voice
		}
		return Result{Outcome: ChannelSet, Method: m, Value: channel}.with(Event{Kind: "factor_changed", Factor: f, Reason: "preferred_" + channel})
	})
}

// Method finds the user's freshly listed method holding authenticator id (Confirmable, or
// NotListed); a step-up on the way resumes at.
func (t *Tx) Method(id string, at Place) Result {
	token, err := t.token(MinTokenLife, at)
	if err != nil {
		return failed(err, at)
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, at)
	}
	m, ok := inv.Find(id)
	if !ok {
		return t.notListed(id)
	}
	return Result{Outcome: Confirmable, Method: m, ID: id, Inventory: inv}
}

// changeMethod runs change for the user's listed method holding id, under the user's lock
// and within the backend's write budget; a step-up on the way resumes at.
func (t *Tx) changeMethod(id string, resume Place, change func(token string, m Method) Result) Result {
	token, err := t.token(MinTokenLife, resume)
	if err != nil {
		return failed(err, resume)
	}
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, resume)
	}
	m, ok := inv.Find(id)
	if !ok {
		return t.notListed(id)
	}
	if res, ok := t.spendWrite(GroupFactor(m)); !ok {
		return res
	}
	return change(token, m)
}

// validName: 1 to MaxNameLength characters of printable text, no control or format
// characters (no bidi overrides that could disguise the list).
func validName(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxNameLength {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}
