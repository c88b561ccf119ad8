package mastoapi

import (
	_ "embed"
	"net/http"
)

// missingPNG is the picture of an account without an avatar or header, served at the paths
// Mastodon uses for the same purpose, so clients always get an image URL that works.
//
//go:embed missing.png
var missingPNG []byte

func (h *Handler) missingImage(w http.ResponseWriter, _ *http.Request, _ *call) error {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=604800")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(missingPNG)
	return err
}
