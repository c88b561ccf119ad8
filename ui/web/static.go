package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gorilla/mux"
)

//go:embed static
var staticFS embed.FS

type asset struct {
	body        []byte
	contentType string
}

// assets are served under content-hashed names, so they can be cached for a year and a new
// release is picked up at once.
type assets struct {
	byHashed map[string]asset  // "guildhall.3f2a9c1b0d.css" → file
	urls     map[string]string // "guildhall.css" → "/static/guildhall.3f2a9c1b0d.css"
}

func loadAssets() (*assets, error) {
	a := &assets{byHashed: map[string]asset{}, urls: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: read static: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("web: read static: %w", err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byHashed[hashed] = asset{body: body, contentType: ctype}
		a.urls[e.Name()] = "/static/" + hashed
	}
	return a, nil
}

// url is the template function "asset". An unknown name fails the render loudly rather than
// leaving a broken link.
func (a *assets) url(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return u, nil
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) error {
	f, ok := h.assets.byHashed[mux.Vars(r)["file"]]
	if !ok {
		return errNotFound
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(f.body)
	return err
}
