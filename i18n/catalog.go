package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
)

// rawMessage is one message as read from a catalog file, before it is checked against English.
type rawMessage struct {
	forms    [cldr.PluralCount]string
	has      [cldr.PluralCount]bool
	plural   bool   // the entry names a category other than "other"
	override bool   // from WithOverrides (a plain text)
	file     string // where it was read, for errors
}

const otherForm = cldr.Other

// rawCatalog is one language's messages by id.
type rawCatalog map[string]*rawMessage

// CatalogError is one problem in a catalog: the file (or "overrides"), the message id (empty for
// a problem with the whole file) and what is wrong.
type CatalogError struct {
	File    string
	ID      string
	Problem string
}

func (e *CatalogError) Error() string {
	if e.ID == "" {
		return "i18n: " + e.File + ": " + e.Problem
	}
	return "i18n: " + e.File + ": " + e.ID + ": " + e.Problem
}

// Keys of a go-i18n v2 message object. Any other key in an object that has one of them is an
// error; an object with none of them is a group of nested messages ("a": {"b": "x"} is id "a.b").
var messageKeys = map[string]bool{
	"description": true, "hash": true,
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true,
}

// parseCatalog reads a catalog in go-i18n v2's JSON message-file format: flat "id": "text", or
// "id": {"description": …, "one": …, "other": …}, or nested groups.
func parseCatalog(file string, data []byte) (rawCatalog, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, &CatalogError{File: file, Problem: "malformed JSON: " + describeJSONError(data, err)}
	}
	cat := rawCatalog{}
	var errs []error
	parseGroup(file, "", root, cat, &errs)
	return cat, errors.Join(errs...)
}

func parseGroup(file, prefix string, group map[string]json.RawMessage, cat rawCatalog, errs *[]error) {
	ids := make([]string, 0, len(group))
	for id := range group {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, key := range ids {
		id := prefix + key
		raw := bytes.TrimSpace(group[key])
		switch {
		case len(raw) > 0 && raw[0] == '"':
			var text string
			if err := json.Unmarshal(raw, &text); err != nil {
				*errs = append(*errs, &CatalogError{File: file, ID: id, Problem: err.Error()})
				continue
			}
			m := &rawMessage{file: file}
			m.forms[cldr.Other], m.has[cldr.Other] = text, true
			cat[id] = m
		case len(raw) > 0 && raw[0] == '{':
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(raw, &obj); err != nil {
				*errs = append(*errs, &CatalogError{File: file, ID: id, Problem: err.Error()})
				continue
			}
			if !isMessageObject(obj) {
				parseGroup(file, id+".", obj, cat, errs)
				continue
			}
			if m, err := parseMessageObject(obj); err != nil {
				*errs = append(*errs, &CatalogError{File: file, ID: id, Problem: err.Error()})
			} else {
				m.file = file
				cat[id] = m
			}
		default:
			*errs = append(*errs, &CatalogError{File: file, ID: id, Problem: "value is neither a text nor a message object"})
		}
	}
}

func isMessageObject(obj map[string]json.RawMessage) bool {
	for k := range obj {
		if messageKeys[k] {
			return true
		}
	}
	return false
}

func parseMessageObject(obj map[string]json.RawMessage) (*rawMessage, error) {
	m := &rawMessage{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !messageKeys[k] {
			return nil, fmt.Errorf("unknown field %q (a message has description, hash and the plural categories zero, one, two, few, many, other)", k)
		}
		var text string
		if err := json.Unmarshal(obj[k], &text); err != nil {
			return nil, fmt.Errorf("field %q is not a text", k)
		}
		if c, ok := cldr.ParsePlural(k); ok {
			m.forms[c], m.has[c] = text, true
			m.plural = m.plural || c != cldr.Other
		}
	}
	if !m.has[cldr.Other] {
		return nil, errors.New(`no "other" form (every message needs one)`)
	}
	return m, nil
}

// describeJSONError adds the line and column to a JSON syntax error.
func describeJSONError(data []byte, err error) string {
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		return err.Error()
	}
	before := data[:min(int(syntax.Offset), len(data))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d: %s", line, col, strings.TrimPrefix(err.Error(), "json: "))
}

// merge copies every message of over into c, replacing messages with the same id.
func (c rawCatalog) merge(over rawCatalog) {
	for id, m := range over {
		c[id] = m
	}
}
