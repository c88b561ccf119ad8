// Package mediatest builds real image files for tests: a JPEG carrying EXIF GPS coordinates and an
// orientation, a PNG with a text chunk, an animated GIF, and a WebP with EXIF and XMP chunks, so
// that tests can check what the media pipeline keeps and what it strips.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Secret is text planted in every file's metadata; no stored file may contain it.
const Secret = "GUILDHALL-SECRET-LOCATION"

// Gradient is a w×h opaque image whose colour changes across both axes, so scaling and turning
// it are visible.
func Gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(255 * x / max(w-1, 1)), G: uint8(255 * y / max(h-1, 1)), B: 128, A: 255})
		}
	}
	return img
}

// JPEG is a w×h JPEG with an APP1 Exif segment, right after SOI, holding the given orientation
// (1 = upright), GPS latitude 52°31'12.34"N, and Secret as the image description.
func JPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Gradient(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), exifTIFF(orientation)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, plain[:2]...) // SOI
	out = append(out, seg...)
	return append(out, plain[2:]...)
}

// exifTIFF is a little-endian TIFF structure: IFD0 with ImageDescription, Orientation and a
// GPSInfo pointer; a GPS IFD with a latitude.
func exifTIFF(orientation int) []byte {
	le := binary.LittleEndian
	desc := append([]byte(Secret), 0)
	const ifd0 = 8
	const ifd0Size = 2 + 3*12 + 4
	gpsIFD := ifd0 + ifd0Size
	const gpsSize = 2 + 2*12 + 4
	latOff := gpsIFD + gpsSize
	descOff := latOff + 24
	t := make([]byte, descOff+len(desc))
	copy(t, "II")
	le.PutUint16(t[2:], 42)
	le.PutUint32(t[4:], ifd0)
	entry := func(at int, tag, typ uint16, count, value uint32) {
		le.PutUint16(t[at:], tag)
		le.PutUint16(t[at+2:], typ)
		le.PutUint32(t[at+4:], count)
		le.PutUint32(t[at+8:], value)
	}
	le.PutUint16(t[ifd0:], 3)
	entry(ifd0+2, 0x010E, 2, uint32(len(desc)), uint32(descOff)) // ImageDescription, ASCII
	entry(ifd0+14, 0x0112, 3, 1, uint32(orientation))            // Orientation, SHORT
	entry(ifd0+26, 0x8825, 4, 1, uint32(gpsIFD))                 // GPSInfo, LONG
	le.PutUint16(t[gpsIFD:], 2)
	entry(gpsIFD+2, 0x0001, 2, 2, uint32('N'))     // GPSLatitudeRef "N\0"
	entry(gpsIFD+14, 0x0002, 5, 3, uint32(latOff)) // GPSLatitude, 3 RATIONALs
	for i, v := range [][2]uint32{{52, 1}, {31, 1}, {1234, 100}} {
		le.PutUint32(t[latOff+8*i:], v[0])
		le.PutUint32(t[latOff+8*i+4:], v[1])
	}
	copy(t[descOff:], desc)
	return t
}

// PNG is a w×h PNG with a tEXt chunk holding Secret, right after IHDR.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Gradient(w, h)); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	const afterIHDR = 8 + 8 + 13 + 4 // signature, IHDR header, IHDR data, CRC
	chunk := pngChunk("tEXt", append([]byte("Comment\x00"), Secret...))
	out := append([]byte{}, plain[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, plain[afterIHDR:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// GIF is an animated w×h GIF of the given number of frames.
func GIF(t testing.TB, w, h, frames int) []byte {
	t.Helper()
	g := &gif.GIF{LoopCount: 0}
	for i := 0; i < frames; i++ {
		img := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.SetColorIndex(x, y, uint8((x+y+i*40)%256))
			}
		}
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WebP is a 75×100 lossless WebP in the extended format (VP8X) with an EXIF chunk and an XMP chunk,
// both holding Secret.
func WebP(t testing.TB) []byte {
	t.Helper()
	plain := gopherWebP()
	const w, h = 75, 100
	vp8x := make([]byte, 10)
	vp8x[0] = 0x08 | 0x04 // EXIF and XMP present
	put24 := func(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
	put24(vp8x[4:], w-1)
	put24(vp8x[7:], h-1)
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, riffChunk("VP8X", vp8x)...)
	body = append(body, plain[12:]...) // the VP8L chunk
	body = append(body, riffChunk("EXIF", append(exifTIFF(1), Secret...))...)
	body = append(body, riffChunk("XMP ", []byte("<x:xmpmeta>"+Secret+"</x:xmpmeta>"))...)
	out := append([]byte("RIFF"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

func riffChunk(fourCC string, data []byte) []byte {
	c := append([]byte(fourCC), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// HasExif reports whether a JPEG carries an APP1 Exif segment (or the planted secret anywhere).
func HasExif(data []byte) bool {
	return bytes.Contains(data, []byte("Exif\x00\x00")) || bytes.Contains(data, []byte(Secret))
}
