package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/guildhall/guildhall/activitypub"
)

// Processor implements activitypub.MediaProcessor with the standard library's codecs, WebP
// decoding from golang.org/x/image, and a Catmull-Rom scaler. The zero value is ready to use.
type Processor struct {
	// JPEGQuality is the quality of re-encoded JPEGs and JPEG previews; 90 when 0.
	JPEGQuality int
	// BlurhashX and BlurhashY are the blurhash components; 4×3 when 0.
	BlurhashX, BlurhashY int
}

var _ activitypub.MediaProcessor = Processor{}

// Probe reads an image's header and returns its dimensions without decoding its pixels.
func (p Processor) Probe(ctx context.Context, contentType string, data []byte) (int, int, error) {
	var (
		cfg image.Config
		err error
	)
	r := bytes.NewReader(data)
	switch contentType {
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(r)
	case "image/png":
		cfg, err = png.DecodeConfig(r)
	case "image/gif":
		cfg, err = gif.DecodeConfig(r)
	case "image/webp":
		cfg, err = webp.DecodeConfig(r)
	default:
		return 0, 0, fmt.Errorf("media: probe: unsupported type %q", contentType)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("media: probe %s: %w", contentType, err)
	}
	return cfg.Width, cfg.Height, nil
}

// Process strips metadata, applies the EXIF orientation of JPEGs, and makes the preview and the
// blurhash.
func (p Processor) Process(ctx context.Context, in activitypub.ProcessInput) (*activitypub.ProcessedImage, error) {
	img, original, err := p.clean(in.ContentType, in.Data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := img.Bounds()
	out := &activitypub.ProcessedImage{Original: original, Width: b.Dx(), Height: b.Dy()}
	preview := scale(img, in.PreviewSize, in.PreviewType == "image/jpeg")
	var buf bytes.Buffer
	switch in.PreviewType {
	case "image/jpeg":
		err = jpeg.Encode(&buf, preview, &jpeg.Options{Quality: p.quality()})
	case "image/png":
		err = png.Encode(&buf, preview)
	default:
		err = fmt.Errorf("unsupported preview type %q", in.PreviewType)
	}
	if err != nil {
		return nil, fmt.Errorf("media: encode preview: %w", err)
	}
	out.Preview = buf.Bytes()
	bx, by := p.BlurhashX, p.BlurhashY
	if bx <= 0 || by <= 0 {
		bx, by = 4, 3
	}
	// A blurhash holds a dozen colours: 64 pixels across carry all of them, at a tenth of the cost.
	out.Blurhash = Blurhash(scale(preview, 64, false), bx, by)
	return out, nil
}

func (p Processor) quality() int {
	if p.JPEGQuality <= 0 || p.JPEGQuality > 100 {
		return 90
	}
	return p.JPEGQuality
}

// clean decodes an image and returns it with the bytes to store: a re-encoded JPEG or PNG (which
// carries none of the original's metadata), a WebP without its EXIF and XMP chunks, or the GIF as
// it came.
func (p Processor) clean(contentType string, data []byte) (image.Image, []byte, error) {
	r := bytes.NewReader(data)
	var buf bytes.Buffer
	switch contentType {
	case "image/jpeg":
		img, err := jpeg.Decode(r)
		if err != nil {
			return nil, nil, fmt.Errorf("media: decode jpeg: %w", err)
		}
		img = orient(img, jpegOrientation(data))
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: p.quality()}); err != nil {
			return nil, nil, fmt.Errorf("media: encode jpeg: %w", err)
		}
		return img, buf.Bytes(), nil
	case "image/png":
		img, err := png.Decode(r)
		if err != nil {
			return nil, nil, fmt.Errorf("media: decode png: %w", err)
		}
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, nil, fmt.Errorf("media: encode png: %w", err)
		}
		return img, buf.Bytes(), nil
	case "image/gif":
		img, err := gif.Decode(r) // the first frame, for the preview; the file is kept whole
		if err != nil {
			return nil, nil, fmt.Errorf("media: decode gif: %w", err)
		}
		return img, data, nil
	case "image/webp":
		img, err := webp.Decode(r)
		if err != nil {
			return nil, nil, fmt.Errorf("media: decode webp: %w", err)
		}
		stripped, err := stripWebPMetadata(data)
		if err != nil {
			return nil, nil, err
		}
		return img, stripped, nil
	}
	return nil, nil, fmt.Errorf("media: unsupported type %q", contentType)
}

// scale fits img in max×max with activitypub.PreviewDimensions, so the API's meta.small matches.
// An opaque preview (JPEG) is drawn over white so transparent pixels do not turn black.
func scale(img image.Image, max int, opaque bool) image.Image {
	b := img.Bounds()
	w, h := activitypub.PreviewDimensions(b.Dx(), b.Dy(), max)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if opaque {
		xdraw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, xdraw.Src)
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Over, nil)
		return dst
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}
