package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/adapters/password"
)

// TestUploadStorageFaults: a client uploading while the media directory is full or cannot be
// written gets a clear JSON error (507 or 503) from the client API, and nothing is kept: no
// attachment row and no file, whole, partial or temporary.
func TestUploadStorageFaults(t *testing.T) {
	tests := []struct {
		name string
		// mediaDir prepares the directory the instance is given; break runs once it has started.
		mediaDir func(t *testing.T) string
		breakDir func(t *testing.T, dir string)
		status   int
	}{
		{
			name:     "media directory replaced by a regular file",
			mediaDir: func(t *testing.T) string { return filepath.Join(t.TempDir(), "media") },
			breakDir: func(t *testing.T, dir string) {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dir, []byte("not a directory"), 0o640); err != nil {
					t.Fatal(err)
				}
			},
			status: http.StatusServiceUnavailable,
		},
		{
			name:     "read-only file system",
			mediaDir: func(t *testing.T) string { return mountTmpfs(t, "1m") },
			breakDir: func(t *testing.T, dir string) {
				if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
					t.Skipf("cannot remount read-only (%v); case skipped", err)
				}
			},
			status: http.StatusServiceUnavailable,
		},
		{
			name:     "disk full",
			mediaDir: func(t *testing.T) string { return mountTmpfs(t, "1m") },
			breakDir: fillDisk,
			status:   http.StatusInsufficientStorage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := Defaults()
			cfg.Host, cfg.InsecureHTTP = "council-a.test", true
			cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "g.db")
			cfg.MediaDir = tt.mediaDir(t)
			in, err := New(ctx, cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			acct, err := in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "jo", Email: "jo@council.example", Password: "a long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := in.Accounts.IssueToken(ctx, acct.Actor.ID, "", []string{"write"})
			if err != nil {
				t.Fatal(err)
			}
			tt.breakDir(t, cfg.MediaDir)

			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "photo.jpg")
			_, _ = fw.Write(mediatest.JPEG(t, 1000, 1000, 1))
			_ = mw.WriteField("description", "A photo of the town hall")
			_ = mw.Close()
			req := httptest.NewRequest(http.MethodPost, "/api/v2/media", &body)
			req.Host = cfg.Host
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			in.Handler.ServeHTTP(rec, req)

			var got struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != tt.status || got.Error == "" {
				t.Fatalf("upload: %d %s (%v), want %d with a JSON error", rec.Code, rec.Body, err, tt.status)
			}
			var rows int
			if err := in.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM media_attachments`).Scan(&rows); err != nil || rows != 0 {
				t.Errorf("attachment rows after the failed upload: %d (%v)", rows, err)
			}
			if files := filesUnder(t, cfg.MediaDir); len(files) != 0 && (len(files) != 1 || filepath.Base(files[0]) != fillerName) {
				t.Errorf("files left after the failed upload: %q", files)
			}
		})
	}
}

// fillerName is the file fillDisk fills the file system with; the only file allowed afterwards.
const fillerName = "filler.bin"

// fillDisk writes zeros into dir until the file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, fillerName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			return
		}
	}
}

// mountTmpfs mounts a tmpfs of the given size on a new directory for the test. Tests run as root
// in CI; elsewhere the mount is refused and the case is skipped, saying why.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "media")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0750"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root or CAP_SYS_ADMIN; this fault case is skipped", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}
