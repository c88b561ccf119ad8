package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media"
)

// mountTmpfs mounts a small tmpfs on a new directory and unmounts it when the test ends. Tests
// run as root in CI; elsewhere the mount is refused and the case is skipped, saying why.
func mountTmpfs(t *testing.T, flags uintptr, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size+",mode=0750"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root or CAP_SYS_ADMIN; this fault case is skipped", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// listFiles returns every file under dir, temporary ones included, relative to dir.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// TestPutFaults: when the medium is full or cannot be written, Put says which (so the API can
// answer 507 or 503), leaves no file under the key and no temporary file, and a file already
// stored under another key is untouched.
func TestPutFaults(t *testing.T) {
	const kept, key = "aa/aaaa.png", "bb/bbbb.png"
	tests := []struct {
		name string
		// setup returns the store and the directory to inspect afterwards.
		setup func(t *testing.T) (*media.DirFileStore, string)
		body  int
		want  error
	}{
		{
			name: "media directory replaced by a regular file",
			setup: func(t *testing.T) (*media.DirFileStore, string) {
				dir := filepath.Join(t.TempDir(), "media")
				d := newStoreWith(t, dir, kept)
				keep := filepath.Join(filepath.Dir(dir), "moved")
				if err := os.Rename(dir, keep); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dir, []byte("not a directory"), 0o640); err != nil {
					t.Fatal(err)
				}
				return d, keep
			},
			body: 1 << 10,
			want: activitypub.ErrStorageUnavailable,
		},
		{
			name: "read-only file system",
			setup: func(t *testing.T) (*media.DirFileStore, string) {
				dir := mountTmpfs(t, 0, "1m")
				d := newStoreWith(t, dir, kept)
				if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
					t.Skipf("cannot remount read-only (%v); case skipped", err)
				}
				return d, dir
			},
			body: 1 << 10,
			want: activitypub.ErrStorageUnavailable,
		},
		{
			name: "disk full",
			setup: func(t *testing.T) (*media.DirFileStore, string) {
				dir := mountTmpfs(t, 0, "256k")
				return newStoreWith(t, dir, kept), dir
			},
			body: 1 << 20, // four times the file system
			want: activitypub.ErrStorageFull,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := tt.setup(t)
			err := d.Put(context.Background(), key, bytes.NewReader(bytes.Repeat([]byte{'x'}, tt.body)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Put = %v, want an error wrapping %v", err, tt.want)
			}
			if files := listFiles(t, dir); len(files) != 1 || files[0] != filepath.FromSlash(kept) {
				t.Errorf("directory holds %q after the failed Put, want only %s", files, kept)
			}
			b, err := os.ReadFile(filepath.Join(dir, kept))
			if err != nil || string(b) != "kept" {
				t.Errorf("the earlier file reads %q, %v", b, err)
			}
		})
	}
}

// TestPutAfterDiskFullRecovers: once space is freed, the same store writes again; a full disk is
// a condition, not a broken store.
func TestPutAfterDiskFullRecovers(t *testing.T) {
	dir := mountTmpfs(t, 0, "256k")
	d, err := media.NewDirFileStore(dir, "https://council.test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	_, ferr := io.Copy(f, io.LimitReader(zeros{}, 1<<20))
	f.Close()
	if !errors.Is(ferr, syscall.ENOSPC) {
		t.Fatalf("filling the tmpfs: %v, want ENOSPC", ferr)
	}
	if err := d.Put(ctx, "cc/cccc.png", strings.NewReader("small")); !errors.Is(err, activitypub.ErrStorageFull) {
		t.Fatalf("Put on a full disk = %v, want ErrStorageFull", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "cc/cccc.png", strings.NewReader("small")); err != nil {
		t.Fatalf("Put after freeing space: %v", err)
	}
	if files := listFiles(t, dir); len(files) != 1 || files[0] != filepath.FromSlash("cc/cccc.png") {
		t.Errorf("directory holds %q", files)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// newStoreWith opens a store on dir holding one file, key, with the content "kept".
func newStoreWith(t *testing.T, dir, key string) *media.DirFileStore {
	t.Helper()
	d, err := media.NewDirFileStore(dir, "https://council.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(context.Background(), key, strings.NewReader("kept")); err != nil {
		t.Fatal(err)
	}
	return d
}
