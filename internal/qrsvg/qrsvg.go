package qrsvg

import (
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	qr "github.com/piglig/go-qr"
)

// MaxContentLength is the default bound on the content, in bytes. An otpauth:// URI with a
// long issuer and account name is well under 300 bytes; a Guardian enrollment URI is similar.
const MaxContentLength = 1024

// QuietZone is the width of the light border around the symbol, in modules.
const QuietZone = 4

// DefaultModuleSize is the rendered size of one module, in CSS pixels, used for the width and
// height attributes when WithSize is not given. CSS can always override them.
const DefaultModuleSize = 4

// DefaultLabel is the aria-label used when WithLabel is not given.
const DefaultLabel = "QR code"

// Errors returned by Encode, wrapped; test with errors.Is.
var (
	ErrEmpty   = errors.New("qrsvg: content is empty")
	ErrTooLong = errors.New("qrsvg: content is too long")
	// ErrEncode reports that the encoder refused the content (it does not fit any QR version
	// at the chosen level). The encoder's own message quotes the content, which may be a
	// secret, so it is not wrapped.
	ErrEncode = errors.New("qrsvg: content cannot be encoded")
)

// Level is a QR error correction level.
type Level int

// Error correction levels, from least to most redundant.
const (
	LevelL Level = iota // about 7 % recoverable
	LevelM              // about 15 % recoverable (the default)
	LevelQ              // about 25 % recoverable
	LevelH              // about 30 % recoverable
)

// String returns "L", "M", "Q" or "H".
func (l Level) String() string {
	switch l {
	case LevelL:
		return "L"
	case LevelM:
		return "M"
	case LevelQ:
		return "Q"
	case LevelH:
		return "H"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

func (l Level) qr() (qr.Ecc, error) {
	switch l {
	case LevelL:
		return qr.Low, nil
	case LevelM:
		return qr.Medium, nil
	case LevelQ:
		return qr.Quartile, nil
	case LevelH:
		return qr.High, nil
	}
	return 0, fmt.Errorf("qrsvg: unknown error correction level %d", int(l))
}

// Option changes how Encode draws the symbol.
type Option func(*options)

type options struct {
	label      string
	class      string
	level      Level
	maxLen     int
	moduleSize int
	size       int
	dark       string
	light      string
}

// WithLabel sets the aria-label (the accessible name of the image). It is HTML-escaped.
func WithLabel(label string) Option { return func(o *options) { o.label = label } }

// WithClass sets the class attribute of the <svg> element. It is HTML-escaped.
func WithClass(class string) Option { return func(o *options) { o.class = class } }

// WithLevel sets the error correction level (default LevelM).
func WithLevel(l Level) Option { return func(o *options) { o.level = l } }

// WithMaxLength changes the bound on the content length in bytes (default MaxContentLength).
// Values below 1 keep the default.
func WithMaxLength(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxLen = n
		}
	}
}

// WithSize sets the width and height attributes to px CSS pixels (quiet zone included). The
// default is DefaultModuleSize pixels per module. Values below 1 keep the default.
func WithSize(px int) Option {
	return func(o *options) {
		if px > 0 {
			o.size = px
		}
	}
}

// WithColors sets the fill of the dark modules and of the background (defaults "#000" and
// "#fff"). Scanners need dark modules on a light background: do not invert them. The values
// are HTML-escaped; CSS may also override both fills.
func WithColors(dark, light string) Option {
	return func(o *options) {
		if dark != "" {
			o.dark = dark
		}
		if light != "" {
			o.light = light
		}
	}
}

// Encode returns content as a QR code drawn as a standalone <svg> element.
func Encode(content string, opts ...Option) (string, error) {
	o := options{
		label:      DefaultLabel,
		level:      LevelM,
		maxLen:     MaxContentLength,
		moduleSize: DefaultModuleSize,
		dark:       "#000",
		light:      "#fff",
	}
	for _, opt := range opts {
		opt(&o)
	}
	if content == "" {
		return "", ErrEmpty
	}
	if len(content) > o.maxLen {
		return "", fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLong, len(content), o.maxLen)
	}
	m, err := matrix(content, o.level)
	if err != nil {
		return "", err
	}
	return draw(m, o), nil
}

// matrix returns the module matrix, indexed [y][x], without a quiet zone.
func matrix(content string, level Level) ([][]bool, error) {
	ecl, err := level.qr()
	if err != nil {
		return nil, err
	}
	// EncodeSegments with boostEcl false keeps the level asked for (EncodeText would raise it
	// when the version has room, which changes nothing a scanner needs).
	segs, err := qr.MakeSegments(content)
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes at level %s", ErrEncode, len(content), level)
	}
	code, err := qr.EncodeSegments(segs, ecl, qr.MinVersion, qr.MaxVersion, -1, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes at level %s", ErrEncode, len(content), level)
	}
	n := code.Size()
	cells := make([]bool, n*n) // one allocation for the rows
	m := make([][]bool, n)
	for y := range n {
		m[y] = cells[y*n : (y+1)*n]
		for x := range n {
			m[y][x] = code.Module(x, y)
		}
	}
	return m, nil
}

// draw renders the matrix with a quiet zone. Each horizontal run of dark modules becomes one
// "M{x} {y}h{n}v1h-{n}z" rectangle in a single path.
func draw(m [][]bool, o options) string {
	n := len(m)
	total := n + 2*QuietZone
	size := o.size
	if size == 0 {
		size = total * o.moduleSize
	}
	var d strings.Builder
	for y, row := range m {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < n && row[x] {
				x++
			}
			run := strconv.Itoa(x - start)
			d.WriteString("M")
			d.WriteString(strconv.Itoa(start + QuietZone))
			d.WriteString(" ")
			d.WriteString(strconv.Itoa(y + QuietZone))
			d.WriteString("h")
			d.WriteString(run)
			d.WriteString("v1h-")
			d.WriteString(run)
			d.WriteString("z")
		}
	}
	t := strconv.Itoa(total)
	s := strconv.Itoa(size)
	var b strings.Builder
	b.Grow(d.Len() + 400)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(t + " " + t)
	b.WriteString(`" width="` + s + `" height="` + s + `"`)
	if o.class != "" {
		b.WriteString(` class="` + html.EscapeString(o.class) + `"`)
	}
	b.WriteString(` role="img" aria-label="` + html.EscapeString(o.label) + `"`)
	b.WriteString(` shape-rendering="crispEdges" focusable="false">`)
	b.WriteString(`<rect width="` + t + `" height="` + t + `" fill="` + html.EscapeString(o.light) + `"/>`)
	b.WriteString(`<path fill="` + html.EscapeString(o.dark) + `" d="`)
	b.WriteString(d.String())
	b.WriteString(`"/></svg>`)
	return b.String()
}
