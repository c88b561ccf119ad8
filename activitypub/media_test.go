package activitypub_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/storage"
)

// mediaWorld is a world with uploads: a MediaService on the real store, a real directory and the
// real image processor.
type mediaWorld struct {
	*world
	media *ap.MediaService
	files *media.DirFileStore
	dir   string
}

func newMediaWorld(t *testing.T, w *world, store ap.MediaStore, maxBytes int64) *mediaWorld {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "media")
	files, err := media.NewDirFileStore(dir, w.svc.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	if store == nil {
		store = w.store
	}
	m, err := ap.NewMediaService(w.svc, ap.MediaOptions{Store: store, Files: files, Processor: media.Processor{}, MaxImageBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return &mediaWorld{world: w, media: m, files: files, dir: dir}
}

func eachMediaWorld(t *testing.T, fn func(t *testing.T, w *mediaWorld)) {
	eachWorld(t, func(t *testing.T, w *world) { fn(t, newMediaWorld(t, w, nil, 0)) })
}

// storedFiles lists the regular files under the media directory, by key.
func (w *mediaWorld) storedFiles() []string {
	w.t.Helper()
	var keys []string
	err := filepath.WalkDir(w.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(w.dir, p)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return keys
}

func (w *mediaWorld) read(key string) []byte {
	w.t.Helper()
	f, err := w.files.Open(w.ctx, key)
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func (w *mediaWorld) upload(by *ap.Account, name string, data []byte) (*ap.Attachment, error) {
	return w.media.UploadMedia(w.ctx, by, ap.UploadInput{Filename: name, ContentType: "image/jpeg",
		Data: bytes.NewReader(data), Size: int64(len(data)), Description: "  " + name + "  "})
}

func TestUploadMedia(t *testing.T) {
	eachMediaWorld(t, func(t *testing.T, w *mediaWorld) {
		alice := w.user("alice")
		cases := []struct {
			name     string
			data     []byte
			ct, ext  string
			wid, hei int
		}{
			{"photo.jpg", mediatest.JPEG(t, 800, 600, 1), "image/jpeg", ".jpg", 800, 600},
			{"portrait.jpg", mediatest.JPEG(t, 800, 600, 8), "image/jpeg", ".jpg", 600, 800},
			{"screenshot.png", mediatest.PNG(t, 300, 900), "image/png", ".png", 300, 900},
			{"wave.gif", mediatest.GIF(t, 200, 150, 3), "image/gif", ".gif", 200, 150},
			{"gopher.webp", mediatest.WebP(t), "image/webp", ".webp", 75, 100},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				a, err := w.upload(alice, c.name, c.data)
				if err != nil {
					t.Fatal(err)
				}
				if a.ID == "" || a.ActorID != alice.Actor.ID || a.StatusID != "" || a.Type != "image" || a.ContentType != c.ct {
					t.Errorf("attachment = %+v", a)
				}
				if a.Width != c.wid || a.Height != c.hei || a.Description != c.name || a.Blurhash == "" {
					t.Errorf("attachment = %+v, want %d×%d described %q with a blurhash", a, c.wid, c.hei, c.name)
				}
				if !strings.HasSuffix(a.Path, c.ext) || a.URL != w.files.URL(a.Path) ||
					a.PreviewURL != w.files.URL(ap.PreviewKey(a.Path, c.ct)) || !strings.HasPrefix(a.URL, "https://council.test/media/") {
					t.Errorf("path %q url %q preview %q", a.Path, a.URL, a.PreviewURL)
				}
				stored := w.read(a.Path)
				if int64(len(stored)) != a.Size {
					t.Errorf("size %d, stored %d bytes", a.Size, len(stored))
				}
				if c.ct != "image/gif" && bytes.Contains(stored, []byte(mediatest.Secret)) || bytes.Contains(stored, []byte("Exif\x00\x00")) {
					t.Error("the stored file still carries the metadata")
				}
				preview := w.read(ap.PreviewKey(a.Path, c.ct))
				if c.ct == "image/jpeg" {
					cfg, err := jpeg.DecodeConfig(bytes.NewReader(preview))
					if err != nil || cfg.Width > ap.PreviewSize || cfg.Height > ap.PreviewSize || max(cfg.Width, cfg.Height) != ap.PreviewSize {
						t.Errorf("preview %d×%d, %v", cfg.Width, cfg.Height, err)
					}
				}
				got, err := w.media.Media(w.ctx, alice, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.URL != a.URL || got.Width != a.Width || got.Description != a.Description || !got.CreatedAt.Equal(a.CreatedAt) {
					t.Errorf("Media = %+v\nwant %+v", got, a)
				}
			})
		}
	})
}

func TestUploadMediaRefusals(t *testing.T) {
	eachWorld(t, func(t *testing.T, base *world) {
		w := newMediaWorld(t, base, nil, 64<<10)
		alice := w.user("alice")
		big := append(mediatest.PNG(t, 4, 4), make([]byte, 64<<10)...) // a PNG followed by junk
		cases := []struct {
			name string
			in   ap.UploadInput
			msg  string
		}{
			{"text renamed .png", ap.UploadInput{Filename: "notes.png", ContentType: "image/png", Data: strings.NewReader("just some text, honest")}, "File type not supported"},
			{"html", ap.UploadInput{Filename: "x.gif", Data: strings.NewReader("<html><script>alert(1)</script></html>")}, "File type not supported"},
			{"announced too large", ap.UploadInput{Data: strings.NewReader("x"), Size: 64<<10 + 1}, "File is too large"},
			{"too large", ap.UploadInput{Data: bytes.NewReader(big), Size: -1}, "File is too large"},
			{"empty", ap.UploadInput{Data: strings.NewReader("")}, "File is empty"},
			{"no file", ap.UploadInput{}, "No file uploaded"},
			{"truncated png", ap.UploadInput{Data: bytes.NewReader(mediatest.PNG(t, 40, 40)[:60])}, "File could not be processed"},
			{"description too long", ap.UploadInput{Data: bytes.NewReader(mediatest.PNG(t, 4, 4)), Description: strings.Repeat("é", 1501)}, "Description must be at most 1500 characters"},
			{"focus out of range", ap.UploadInput{Data: bytes.NewReader(mediatest.PNG(t, 4, 4)), Focus: ap.Focus{X: 1.5}}, "focus coordinates must be between -1.0 and 1.0"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.media.UploadMedia(w.ctx, alice, c.in)
				if ap.KindOf(err) != ap.Invalid || !strings.HasPrefix(ap.Message(err), c.msg) {
					t.Fatalf("err = %v (%v), want Invalid %q", err, ap.KindOf(err), c.msg)
				}
			})
		}
		if files := w.storedFiles(); len(files) != 0 {
			t.Errorf("files left behind: %v", files)
		}
		if rows, err := w.store.UnattachedBefore(w.ctx, time.Now().Add(time.Hour), 10); err != nil || len(rows) != 0 {
			t.Errorf("rows left behind: %d, %v", len(rows), err)
		}
	})
}

func TestUploadMediaPixelLimit(t *testing.T) {
	eachWorld(t, func(t *testing.T, base *world) {
		files, err := media.NewDirFileStore(t.TempDir(), base.svc.BaseURL())
		if err != nil {
			t.Fatal(err)
		}
		m, err := ap.NewMediaService(base.svc, ap.MediaOptions{Store: base.store, Files: files, Processor: media.Processor{}, MaxImagePixels: 100 * 100})
		if err != nil {
			t.Fatal(err)
		}
		data := mediatest.PNG(t, 101, 100)
		_, err = m.UploadMedia(base.ctx, base.user("alice"), ap.UploadInput{Data: bytes.NewReader(data)})
		if ap.KindOf(err) != ap.Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
	})
}

// failingCreate is the real store except that inserting the row fails, as a full disk would.
type failingCreate struct{ *storage.Store }

func (failingCreate) CreateAttachment(context.Context, *ap.Attachment) error {
	return errors.New("disk full")
}

func TestUploadMediaLeavesNothingWhenTheRowFails(t *testing.T) {
	eachWorld(t, func(t *testing.T, base *world) {
		w := newMediaWorld(t, base, failingCreate{base.store}, 0)
		_, err := w.upload(w.user("alice"), "photo.jpg", mediatest.JPEG(t, 64, 64, 1))
		if err == nil || ap.KindOf(err) != ap.Other {
			t.Fatalf("err = %v, want an internal error", err)
		}
		if files := w.storedFiles(); len(files) != 0 {
			t.Errorf("files left behind: %v", files)
		}
	})
}

func TestUpdateMedia(t *testing.T) {
	eachMediaWorld(t, func(t *testing.T, w *mediaWorld) {
		alice, bob := w.user("alice"), w.user("bob")
		a, err := w.upload(alice, "cat.png", mediatest.PNG(t, 20, 20))
		if err != nil {
			t.Fatal(err)
		}
		desc, long := "A grey cat asleep on the minutes", strings.Repeat("x", ap.MaxDescriptionChars+1)
		focus := ap.Focus{X: -0.5, Y: 1}
		got, err := w.media.UpdateMedia(w.ctx, alice, a.ID, ap.MediaUpdate{Description: &desc, Focus: &focus})
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.media.Media(w.ctx, alice, a.ID)
		if err != nil || got.Description != desc || again.Description != desc || again.FocusX != -0.5 || again.FocusY != 1 {
			t.Fatalf("after update: %+v, %+v, %v", got, again, err)
		}
		exact := strings.Repeat("é", ap.MaxDescriptionChars)
		if _, err := w.media.UpdateMedia(w.ctx, alice, a.ID, ap.MediaUpdate{Description: &exact}); err != nil {
			t.Errorf("1500 characters: %v", err)
		}

		refusals := []struct {
			name string
			by   *ap.Account
			id   string
			in   ap.MediaUpdate
			kind ap.Kind
		}{
			{"someone else's", bob, a.ID, ap.MediaUpdate{Description: &desc}, ap.NotFound},
			{"unknown id", alice, "01NOPE", ap.MediaUpdate{Description: &desc}, ap.NotFound},
			{"too long", alice, a.ID, ap.MediaUpdate{Description: &long}, ap.Invalid},
			{"bad focus", alice, a.ID, ap.MediaUpdate{Focus: &ap.Focus{Y: -2}}, ap.Invalid},
		}
		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) {
				_, err := w.media.UpdateMedia(w.ctx, r.by, r.id, r.in)
				if ap.KindOf(err) != r.kind {
					t.Errorf("err = %v, want %v", err, r.kind)
				}
			})
		}
		if _, err := w.media.Media(w.ctx, bob, a.ID); !ap.IsNotFound(err) {
			t.Errorf("bob reads alice's media: %v", err)
		}
	})
}

func TestPostWithMedia(t *testing.T) {
	eachMediaWorld(t, func(t *testing.T, w *mediaWorld) {
		alice, bob := w.user("alice"), w.user("bob")
		mine, err := w.upload(alice, "minutes.jpg", mediatest.JPEG(t, 300, 200, 1))
		if err != nil {
			t.Fatal(err)
		}
		second, err := w.upload(alice, "chart.png", mediatest.PNG(t, 300, 200))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := w.upload(bob, "bob.png", mediatest.PNG(t, 30, 20))
		if err != nil {
			t.Fatal(err)
		}

		st, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "Minutes attached", AttachmentIDs: []string{second.ID, mine.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Attachments) != 2 || st.Attachments[0].ID != second.ID || st.Attachments[1].ID != mine.ID {
			t.Fatalf("status attachments = %+v, want [chart, minutes] in the order given", st.Attachments)
		}
		if got := st.Attachments[1]; got.URL != mine.URL || got.Width != 300 || got.Description != "minutes.jpg" || got.StatusID != st.ID {
			t.Errorf("attached = %+v", got)
		}

		// Another user's upload is refused, and stays theirs and unattached.
		_, err = w.svc.Post(w.ctx, alice, ap.PostInput{Text: "stolen", AttachmentIDs: []string{theirs.ID}})
		if ap.KindOf(err) != ap.Invalid {
			t.Fatalf("posting bob's media: %v, want Invalid", err)
		}
		if b, err := w.media.Media(w.ctx, bob, theirs.ID); err != nil || b.StatusID != "" {
			t.Errorf("bob's media after the attempt: %+v, %v", b, err)
		}
		// So is media already on another post.
		if _, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "again", AttachmentIDs: []string{mine.ID}}); ap.KindOf(err) != ap.Invalid {
			t.Errorf("re-attaching: %v, want Invalid", err)
		}

		// Once attached, the description changes only through the post.
		desc := "too late"
		if _, err := w.media.UpdateMedia(w.ctx, alice, mine.ID, ap.MediaUpdate{Description: &desc}); ap.KindOf(err) != ap.Conflict {
			t.Errorf("updating attached media: %v, want Conflict", err)
		}
		if a, err := w.media.Media(w.ctx, alice, mine.ID); err != nil || a.StatusID != st.ID {
			t.Errorf("owner reads attached media: %+v, %v", a, err)
		}
	})
}

func TestCleanUnattached(t *testing.T) {
	eachMediaWorld(t, func(t *testing.T, w *mediaWorld) {
		alice := w.user("alice")
		kept, err := w.upload(alice, "kept.png", mediatest.PNG(t, 10, 10))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "with media", AttachmentIDs: []string{kept.ID}}); err != nil {
			t.Fatal(err)
		}
		abandoned, err := w.upload(alice, "draft.png", mediatest.PNG(t, 10, 10))
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.media.CleanUnattached(w.ctx, w.svc.Now().Add(time.Second), 10)
		if err != nil || n != 1 {
			t.Fatalf("CleanUnattached = %d, %v; want 1", n, err)
		}
		if _, err := w.media.Media(w.ctx, alice, abandoned.ID); !ap.IsNotFound(err) {
			t.Errorf("abandoned upload still there: %v", err)
		}
		want := []string{kept.Path, ap.PreviewKey(kept.Path, kept.ContentType)}
		got := w.storedFiles()
		if len(got) != 2 || !contains(got, want[0]) || !contains(got, want[1]) {
			t.Errorf("files = %v, want %v", got, want)
		}
	})
}

func TestParseFocus(t *testing.T) {
	cases := []struct {
		in   string
		want ap.Focus
		ok   bool
	}{
		{"", ap.Focus{}, true},
		{"0.5,-0.25", ap.Focus{X: 0.5, Y: -0.25}, true},
		{" -1 , 1 ", ap.Focus{X: -1, Y: 1}, true},
		{"1.01,0", ap.Focus{}, false},
		{"0.5", ap.Focus{}, false},
		{"a,b", ap.Focus{}, false},
		{"NaN,0", ap.Focus{}, false},
	}
	for _, c := range cases {
		got, err := ap.ParseFocus(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseFocus(%q) = %v, %v", c.in, got, err)
		}
	}
}

// gatedProcessor is the real processor, held at a gate so a test can keep an upload in flight.
type gatedProcessor struct {
	media.Processor
	entered chan struct{}
	gate    chan struct{}
}

func (g gatedProcessor) Process(ctx context.Context, in ap.ProcessInput) (*ap.ProcessedImage, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.Processor.Process(ctx, in)
}

func TestUploadMediaWaitsForASlot(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		files, err := media.NewDirFileStore(t.TempDir(), w.svc.BaseURL())
		if err != nil {
			t.Fatal(err)
		}
		g := gatedProcessor{entered: make(chan struct{}, 2), gate: make(chan struct{})}
		m, err := ap.NewMediaService(w.svc, ap.MediaOptions{Store: w.store, Files: files, Processor: g, MaxConcurrent: 1})
		if err != nil {
			t.Fatal(err)
		}
		alice := w.user("alice")
		upload := func(ctx context.Context) error {
			_, err := m.UploadMedia(ctx, alice, ap.UploadInput{Data: bytes.NewReader(mediatest.PNG(t, 8, 8))})
			return err
		}
		first := make(chan error, 1)
		go func() { first <- upload(w.ctx) }()
		<-g.entered // the first upload holds the only slot

		ctx, cancel := context.WithTimeout(w.ctx, 50*time.Millisecond)
		defer cancel()
		if err := upload(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("second upload while the slot is taken: %v, want the deadline", err)
		}
		close(g.gate)
		if err := <-first; err != nil {
			t.Errorf("first upload: %v", err)
		}
		if rows, err := w.store.UnattachedBefore(w.ctx, time.Now().Add(time.Hour), 10); err != nil || len(rows) != 1 {
			t.Errorf("rows = %d, %v; want only the first upload's", len(rows), err)
		}
	})
}
