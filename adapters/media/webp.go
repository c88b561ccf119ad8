package media

import (
	"encoding/binary"
	"fmt"
)

// stripWebPMetadata removes the EXIF and XMP chunks of a WebP file and clears their flags in the
// VP8X header. The image data is copied as it is: there is no WebP encoder to re-encode with, and
// no need for one.
func stripWebPMetadata(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, fmt.Errorf("media: webp: not a RIFF WEBP file")
	}
	end := 8 + int(binary.LittleEndian.Uint32(data[4:]))
	if end > len(data) || end < 12 {
		return nil, fmt.Errorf("media: webp: RIFF size %d does not fit the file's %d bytes", end, len(data))
	}
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	for i := 12; i < end; {
		if i+8 > end {
			return nil, fmt.Errorf("media: webp: truncated chunk header at %d", i)
		}
		fourCC := string(data[i : i+4])
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		next := i + 8 + n + n%2 // chunks are padded to an even length
		if n < 0 || i+8+n > end {
			return nil, fmt.Errorf("media: webp: chunk %q overruns the file", fourCC)
		}
		if next > end {
			next = end
		}
		switch fourCC {
		case "EXIF", "XMP ":
			// dropped
		case "VP8X":
			start := len(out)
			out = append(out, data[i:next]...)
			if n > 0 {
				out[start+8] &^= 0x08 | 0x04 // EXIF and XMP present
			}
		default:
			out = append(out, data[i:next]...)
		}
		i = next
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}
