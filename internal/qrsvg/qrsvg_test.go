package qrsvg

import (
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qr "github.com/piglig/go-qr"
)

type svgDoc struct {
	XMLName   xml.Name `xml:"svg"`
	ViewBox   string   `xml:"viewBox,attr"`
	Width     string   `xml:"width,attr"`
	Height    string   `xml:"height,attr"`
	Role      string   `xml:"role,attr"`
	AriaLabel string   `xml:"aria-label,attr"`
	Class     string   `xml:"class,attr"`
	Shape     string   `xml:"shape-rendering,attr"`
	Rects     []struct {
		Fill string `xml:"fill,attr"`
	} `xml:"rect"`
	Paths []struct {
		Fill string `xml:"fill,attr"`
		D    string `xml:"d,attr"`
	} `xml:"path"`
}

var runRE = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// rasterize parses our own output and paints it, one pixel per module, onto an image.Gray
// that includes the quiet zone: light modules are 255, dark ones 0.
func rasterize(t *testing.T, svg string) (*image.Gray, svgDoc) {
	t.Helper()
	var doc svgDoc
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("output is not well-formed XML: %v\n%s", err, svg)
	}
	if len(doc.Paths) != 1 {
		t.Fatalf("want exactly one path, got %d", len(doc.Paths))
	}
	f := strings.Fields(doc.ViewBox)
	if len(f) != 4 || f[0] != "0" || f[1] != "0" || f[2] != f[3] {
		t.Fatalf("viewBox %q is not a square from the origin", doc.ViewBox)
	}
	total, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, total, total))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	d := doc.Paths[0].D
	if rest := runRE.ReplaceAllString(d, ""); rest != "" {
		t.Fatalf("path has segments this test does not understand: %q", rest)
	}
	for _, m := range runRE.FindAllStringSubmatch(d, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		if m[3] != m[4] {
			t.Fatalf("run %q does not close", m[0])
		}
		for i := range w {
			if img.GrayAt(x+i, y).Y == 0 {
				t.Fatalf("module (%d,%d) painted twice", x+i, y)
			}
			img.SetGray(x+i, y, color.Gray{Y: 0})
		}
	}
	return img, doc
}

func TestEncodeMatchesEncoderMatrix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		level   Level
		qrLevel qr.Ecc
	}{
		{"otpauth default level", "otpauth://totp/Example:jane@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30", LevelM, qr.Medium},
		{"guardian uri", "otpauth://totp/tenant:jane?enrollment_tx_id=abcDEF123&base_url=https%3A%2F%2F127.0.0.1%3A8080%2F&secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", LevelM, qr.Medium},
		{"numeric low", "0123456789", LevelL, qr.Low},
		{"alphanumeric quartile", "HELLO WORLD 123", LevelQ, qr.Quartile},
		{"unicode high", "héllo wörld ✓", LevelH, qr.High},
		{"long", strings.Repeat("a", MaxContentLength), LevelM, qr.Medium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{WithLabel("code")}
			if tt.level != LevelM {
				opts = append(opts, WithLevel(tt.level))
			}
			svg, err := Encode(tt.content, opts...)
			if err != nil {
				t.Fatal(err)
			}
			img, doc := rasterize(t, svg)

			segs, err := qr.MakeSegments(tt.content)
			if err != nil {
				t.Fatal(err)
			}
			want, err := qr.EncodeSegments(segs, tt.qrLevel, qr.MinVersion, qr.MaxVersion, -1, false)
			if err != nil {
				t.Fatal(err)
			}
			n := want.Size()
			if got := img.Bounds().Dx(); got != n+2*QuietZone {
				t.Fatalf("size with quiet zone = %d, want %d", got, n+2*QuietZone)
			}
			get := struct{ Get func(x, y int) bool }{want.Module}
			for y := range n {
				for x := range n {
					dark := img.GrayAt(x+QuietZone, y+QuietZone).Y == 0
					if dark != get.Get(x, y) {
						t.Fatalf("module (%d,%d): got dark=%v, want %v", x, y, dark, get.Get(x, y))
					}
				}
			}
			total := n + 2*QuietZone
			for y := range total {
				for x := range total {
					inside := x >= QuietZone && x < QuietZone+n && y >= QuietZone && y < QuietZone+n
					if !inside && img.GrayAt(x, y).Y == 0 {
						t.Fatalf("quiet zone module (%d,%d) is dark", x, y)
					}
				}
			}
			if doc.Role != "img" || doc.AriaLabel != "code" || doc.Shape != "crispEdges" {
				t.Errorf("role=%q aria-label=%q shape-rendering=%q", doc.Role, doc.AriaLabel, doc.Shape)
			}
			if len(doc.Rects) != 1 || doc.Rects[0].Fill != "#fff" || doc.Paths[0].Fill != "#000" {
				t.Errorf("want a white background and black modules, got %+v / %q", doc.Rects, doc.Paths[0].Fill)
			}
			if want := strconv.Itoa(total * DefaultModuleSize); doc.Width != want || doc.Height != want {
				t.Errorf("width/height = %q/%q, want %q", doc.Width, doc.Height, want)
			}
		})
	}
}

func TestEncodeOptionsAndEscaping(t *testing.T) {
	t.Parallel()
	svg, err := Encode("x",
		WithLabel(`QR "code" <script>alert(1)</script> & more`),
		WithClass(`mfa-qr-svg" onload="alert(1)`),
		WithSize(200),
		WithColors("#111", "#eee"),
	)
	if err != nil {
		t.Fatal(err)
	}
	_, doc := rasterize(t, svg)
	if doc.AriaLabel != `QR "code" <script>alert(1)</script> & more` {
		t.Errorf("aria-label = %q", doc.AriaLabel)
	}
	if doc.Class != `mfa-qr-svg" onload="alert(1)` {
		t.Errorf("class = %q", doc.Class)
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, `onload="`) {
		t.Errorf("markup injected: %s", svg)
	}
	if doc.Width != "200" || doc.Height != "200" {
		t.Errorf("size = %q x %q", doc.Width, doc.Height)
	}
	if doc.Rects[0].Fill != "#eee" || doc.Paths[0].Fill != "#111" {
		t.Errorf("colours = %q/%q", doc.Paths[0].Fill, doc.Rects[0].Fill)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("not a standalone svg: %.80s…", svg)
	}
}

func TestEncodeDefaultsAndCompactness(t *testing.T) {
	t.Parallel()
	uri := "otpauth://totp/Example:jane@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example"
	svg, err := Encode(uri)
	if err != nil {
		t.Fatal(err)
	}
	_, doc := rasterize(t, svg)
	if doc.AriaLabel != DefaultLabel || doc.Class != "" {
		t.Errorf("defaults: aria-label=%q class=%q", doc.AriaLabel, doc.Class)
	}
	// The run-merged path keeps a typical otpauth symbol small (a per-module path is ~17 KB).
	if len(svg) > 8000 {
		t.Errorf("svg is %d bytes; runs are not being merged", len(svg))
	}
	// Level M is the default: the same content at M and at the default draw the same symbol.
	m, err := Encode(uri, WithLevel(LevelM))
	if err != nil {
		t.Fatal(err)
	}
	if m != svg {
		t.Error("default level is not M")
	}
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		opts    []Option
		want    error
	}{
		{"empty", "", nil, ErrEmpty},
		{"over default bound", strings.Repeat("a", MaxContentLength+1), nil, ErrTooLong},
		{"over custom bound", "abcdef", []Option{WithMaxLength(5)}, ErrTooLong},
		{"unknown level", "abc", []Option{WithLevel(Level(9))}, nil},
		{"too long for any QR version", strings.Repeat("\u00e9", 1500), []Option{WithMaxLength(4000), WithLevel(LevelH)}, ErrEncode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svg, err := Encode(tt.content, tt.opts...)
			if err == nil {
				t.Fatalf("want an error, got %d bytes of svg", len(svg))
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "qrsvg: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if len(tt.content) > 0 && strings.Contains(err.Error(), tt.content) {
				t.Errorf("error leaks the content: %v", err)
			}
			if svg != "" {
				t.Error("svg returned along with an error")
			}
		})
	}
}
