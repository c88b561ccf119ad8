package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/webp"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
)

func decodeConfig(t *testing.T, ct string, data []byte) image.Config {
	t.Helper()
	var (
		c   image.Config
		err error
	)
	r := bytes.NewReader(data)
	switch ct {
	case "image/jpeg":
		c, err = jpeg.DecodeConfig(r)
	case "image/png":
		c, err = png.DecodeConfig(r)
	case "image/gif":
		c, err = gif.DecodeConfig(r)
	case "image/webp":
		c, err = webp.DecodeConfig(r)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", ct, err)
	}
	return c
}

func TestProcess(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name            string
		data            []byte
		ct              string
		w, h            int // after orientation
		previewW, prevH int
		frames          int // for GIFs: frames kept
	}{
		{"jpeg upright", mediatest.JPEG(t, 1200, 800, 1), "image/jpeg", 1200, 800, 400, 267, 0},
		{"jpeg turned a quarter", mediatest.JPEG(t, 1200, 800, 6), "image/jpeg", 800, 1200, 267, 400, 0},
		{"jpeg small", mediatest.JPEG(t, 120, 90, 1), "image/jpeg", 120, 90, 120, 90, 0},
		{"png", mediatest.PNG(t, 500, 1000), "image/png", 500, 1000, 200, 400, 0},
		{"gif animated", mediatest.GIF(t, 640, 480, 3), "image/gif", 640, 480, 400, 300, 3},
		{"webp", mediatest.WebP(t), "image/webp", 75, 100, 75, 100, 0},
	}
	p := media.Processor{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := activitypub.SniffMediaType(c.data); got != c.ct {
				t.Fatalf("sniffed %q, want %q", got, c.ct)
			}
			w, h, err := p.Probe(ctx, c.ct, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if w*h != c.w*c.h {
				t.Errorf("Probe = %d×%d, want the pixels of %d×%d", w, h, c.w, c.h)
			}
			pt := activitypub.PreviewType(c.ct)
			out, err := p.Process(ctx, activitypub.ProcessInput{ContentType: c.ct, Data: c.data, PreviewSize: 400, PreviewType: pt})
			if err != nil {
				t.Fatal(err)
			}
			if out.Width != c.w || out.Height != c.h {
				t.Errorf("processed %d×%d, want %d×%d", out.Width, out.Height, c.w, c.h)
			}
			if c.ct != "image/gif" && bytes.Contains(out.Original, []byte(mediatest.Secret)) {
				t.Error("original still carries the planted metadata")
			}
			if bytes.Contains(out.Original, []byte("Exif\x00\x00")) || bytes.Contains(out.Original, []byte("EXIF")) {
				t.Error("original still has an EXIF block")
			}
			oc := decodeConfig(t, c.ct, out.Original)
			if oc.Width != c.w || oc.Height != c.h {
				t.Errorf("stored file is %d×%d, want %d×%d", oc.Width, oc.Height, c.w, c.h)
			}
			pc := decodeConfig(t, pt, out.Preview)
			if pc.Width != c.previewW || pc.Height != c.prevH {
				t.Errorf("preview %d×%d, want %d×%d", pc.Width, pc.Height, c.previewW, c.prevH)
			}
			if pw, ph := activitypub.PreviewDimensions(c.w, c.h, 400); pw != pc.Width || ph != pc.Height {
				t.Errorf("PreviewDimensions = %d×%d, preview is %d×%d", pw, ph, pc.Width, pc.Height)
			}
			if len(out.Blurhash) != 28 {
				t.Errorf("blurhash %q: want 28 characters for 4×3 components", out.Blurhash)
			}
			if c.frames > 0 {
				g, err := gif.DecodeAll(bytes.NewReader(out.Original))
				if err != nil || len(g.Image) != c.frames {
					t.Errorf("GIF frames kept: %v, %v; want %d", len(g.Image), err, c.frames)
				}
			}
		})
	}
}

// TestOrientation checks that the pixels are really turned, not just the dimensions swapped: the
// gradient's red grows to the right and its green downwards, so after a quarter turn clockwise the
// top-right corner holds the original top-left (dark) and the top-left the original bottom-left.
func TestOrientation(t *testing.T) {
	data := mediatest.JPEG(t, 200, 100, 6)
	out, err := media.Processor{}.Process(context.Background(), activitypub.ProcessInput{
		ContentType: "image/jpeg", Data: data, PreviewSize: 400, PreviewType: "image/jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(out.Original))
	if err != nil {
		t.Fatal(err)
	}
	near := func(c color.Color, r, g uint8) bool {
		cr, cg, _, _ := c.RGBA()
		d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 24 && int(b)-int(a>>8) < 24 }
		return d(cr, r) && d(cg, g)
	}
	if c := img.At(99, 0); !near(c, 0, 0) {
		t.Errorf("top right = %v, want the original top left (0, 0)", c)
	}
	if c := img.At(0, 0); !near(c, 0, 255) {
		t.Errorf("top left = %v, want the original bottom left (0, 255)", c)
	}
}

func TestProcessRefusesGarbage(t *testing.T) {
	p := media.Processor{}
	ctx := context.Background()
	truncated := mediatest.PNG(t, 50, 50)[:100]
	cases := []struct {
		name, ct string
		data     []byte
	}{
		{"truncated png", "image/png", truncated},
		{"jpeg header only", "image/jpeg", []byte("\xFF\xD8\xFF\xE0")},
		{"webp lie", "image/webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 nonsense")},
		{"unknown type", "text/plain", []byte("hello")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := p.Process(ctx, activitypub.ProcessInput{ContentType: c.ct, Data: c.data, PreviewSize: 400, PreviewType: "image/png"}); err == nil {
				t.Error("Process succeeded")
			}
		})
	}
}

// TestBlurhash compares with the reference encoder run on the same pixels: npm blurhash 2.0.5
// with its maximum AC value taken over absolute values, as woltapp's C encoder (which Mastodon
// uses) does; the npm encoder alone takes the signed maximum and differs on the gradient.
func TestBlurhash(t *testing.T) {
	red := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			red.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	cases := []struct {
		name string
		img  image.Image
		x, y int
		want string
	}{
		{"red 1×1", red, 1, 1, "00TI:j"},
		{"red 4×3", red, 4, 3, "L9TI:j|cfQ|c|co1fQo1fQfQfQfQ"},
		{"gradient 4×3", mediatest.Gradient(32, 24), 4, 3, "L$HewF2swxX8l}WDjte;gJfjfQfj"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := media.Blurhash(c.img, c.x, c.y); got != c.want {
				t.Errorf("Blurhash = %q, want %q", got, c.want)
			}
		})
	}
}
