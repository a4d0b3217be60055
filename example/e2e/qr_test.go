package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrScales are the device-pixel scales decodeQR screenshots the code at, until one reads: like a
// phone camera taking several frames. gozxing's finder-pattern detector misses some symbols
// whose modules fall on fractional pixels; another scale moves the module edges.
var qrScales = []float64{2, 4, 3, 5}

// decodeQR reads the QR code rendered in the element sel the way a phone camera would: from a
// screenshot of the element, with a QR reader (gozxing), and returns the encoded text.
func (b *tab) decodeQR(sel string) string {
	b.t.Helper()
	b.waitVisible(sel)
	var errs []error
	for _, scale := range qrScales {
		shot := run(b, "screenshot of "+sel, chromedp.ScreenshotScale(chromedp.CSS(sel), scale))
		text, err := decodeQRPNG(shot)
		if err == nil {
			return text
		}
		errs = append(errs, fmt.Errorf("scale %v: %w", scale, err))
	}
	b.t.Fatalf("decoding the QR code in %s: %v", sel, errs)
	return ""
}

func decodeQRPNG(pngBytes []byte) (string, error) {
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		return "", fmt.Errorf("e2e: screenshot is not a PNG: %w", err)
	}
	return decodeQRImage(img)
}

// decodeQRImage tries the image as it is, then (as a pure symbol) without the element's border.
func decodeQRImage(img image.Image) (string, error) {
	text, err := decodeQRWith(img, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err == nil {
		return text, nil
	}
	inner := cropBorder(img, img.Bounds().Dx()/100+2)
	if text, err2 := decodeQRWith(inner, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}); err2 == nil {
		return text, nil
	}
	return "", err
}

func decodeQRWith(img image.Image, hints map[gozxing.DecodeHintType]any) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("e2e: QR bitmap: %w", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", fmt.Errorf("e2e: no QR code found: %w", err)
	}
	return res.GetText(), nil
}

// cropBorder removes m pixels on every side (the figure's border and rounded corners).
func cropBorder(img image.Image, m int) image.Image {
	b := img.Bounds()
	if b.Dx() <= 2*m || b.Dy() <= 2*m {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()-2*m, b.Dy()-2*m))
	draw.Draw(out, out.Bounds(), img, image.Point{X: b.Min.X + m, Y: b.Min.Y + m}, draw.Src)
	return out
}
