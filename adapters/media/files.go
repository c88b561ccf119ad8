package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/guildhall/guildhall/activitypub"
)

// PathPrefix is where Files is mounted and what DirFileStore's URLs point at.
const PathPrefix = "/media/"

// contentTypeOf is the type Files serves a key's extension with, or "" for an extension a key may
// not have.
func contentTypeOf(ext string) string {
	switch ext {
	case ".jpg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	}
	return ""
}

// ValidKey reports whether key is one a DirFileStore accepts: one or more segments of ASCII
// letters, digits, '_' and '-', separated by single slashes, the last ending in a known image
// extension. Nothing in it can climb out of the directory or name a hidden file.
func ValidKey(key string) bool {
	if key == "" || len(key) > 200 {
		return false
	}
	if contentTypeOf(path.Ext(key)) == "" {
		return false
	}
	body := strings.TrimSuffix(key, path.Ext(key))
	for _, seg := range strings.Split(body, "/") {
		if seg == "" {
			return false
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return true
}

// DirFileStore keeps media files in a directory. Every operation goes through os.Root, so even a
// symbolic link planted inside the directory cannot lead outside it.
type DirFileStore struct {
	dir     string
	baseURL string
}

var _ activitypub.FileStore = (*DirFileStore)(nil)

// NewDirFileStore creates dir if needed. baseURL is the instance's scheme://host; file URLs are
// baseURL + PathPrefix + key.
func NewDirFileStore(dir, baseURL string) (*DirFileStore, error) {
	if dir == "" {
		return nil, errors.New("media: file store: empty directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("media: file store: %w", err)
	}
	return &DirFileStore{dir: dir, baseURL: strings.TrimSuffix(baseURL, "/")}, nil
}

// Dir is the directory the files live in, for Files.
func (d *DirFileStore) Dir() string { return d.dir }

// URL is the public address of a file.
func (d *DirFileStore) URL(key string) string { return d.baseURL + PathPrefix + key }

// Put writes a file under a temporary name, syncs it and renames it into place, so a reader never
// sees half a file and a crash never leaves one under the key. On any failure the temporary file
// is removed; errors from a full or unwritable medium wrap activitypub.ErrStorageFull or
// activitypub.ErrStorageUnavailable.
func (d *DirFileStore) Put(ctx context.Context, key string, r io.Reader) (err error) {
	if !ValidKey(key) {
		return fmt.Errorf("media: put: invalid key %q", key)
	}
	defer func() {
		if err != nil {
			err = classify(fmt.Errorf("media: put %s: %w", key, err))
		}
	}()
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		// Whatever the reason (gone, not a directory, no permission), the store cannot write.
		return fmt.Errorf("%w: %w", activitypub.ErrStorageUnavailable, err)
	}
	defer root.Close()
	if dir := path.Dir(key); dir != "." {
		if err := root.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	tmp := path.Join(path.Dir(key), ".tmp-"+hex.EncodeToString(nonce[:]))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, readerWithContext{ctx, r}); err != nil {
		f.Close()
		return err
	}
	// Some file systems report a full disk only when the data is flushed.
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return root.Rename(tmp, key)
}

// classify marks err with the domain's storage error when the operating system says the medium
// is full or cannot be written, keeping the original cause in the chain for the log.
func classify(err error) error {
	switch {
	case errors.Is(err, activitypub.ErrStorageFull), errors.Is(err, activitypub.ErrStorageUnavailable):
		return err
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG):
		return fmt.Errorf("%w: %w", activitypub.ErrStorageFull, err)
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOTDIR),
		errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.EIO):
		return fmt.Errorf("%w: %w", activitypub.ErrStorageUnavailable, err)
	}
	return err
}

// Open opens a stored file for reading.
func (d *DirFileStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, fmt.Errorf("media: open: invalid key %q: %w", key, fs.ErrNotExist)
	}
	f, err := os.OpenInRoot(d.dir, key)
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", key, err)
	}
	return f, nil
}

// Delete removes a file; a missing one is not an error.
func (d *DirFileStore) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("media: delete: invalid key %q", key)
	}
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	defer root.Close()
	if err := root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	return nil
}

// readerWithContext stops a copy when its context ends.
type readerWithContext struct {
	ctx context.Context
	r   io.Reader
}

func (r readerWithContext) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// Files serves the files of dir at PathPrefix + key (mount it on that prefix, e.g.
// router.PathPrefix(media.PathPrefix).Handler(media.Files(dir))). Keys are random and files never
// change, so responses may be cached for a year. Anything that is not a valid key of an existing
// regular file is 404: no listings, no dot files, nothing outside dir.
func Files(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		key, ok := strings.CutPrefix(r.URL.Path, PathPrefix)
		if !ok || !ValidKey(key) {
			http.NotFound(w, r)
			return
		}
		f, err := os.OpenInRoot(dir, key)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || !info.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentTypeOf(path.Ext(key)))
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Access-Control-Allow-Origin", "*")
		http.ServeContent(w, r, "", info.ModTime(), f)
	})
}
