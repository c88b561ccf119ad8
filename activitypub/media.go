package activitypub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Media limits. The byte and pixel limits are defaults that MediaOptions may change; the others
// are Mastodon's.
const (
	DefaultMaxImageBytes  = 16 << 20 // 16 MiB, Mastodon's image_size_limit
	DefaultMaxImagePixels = 33177600 // 7680×4320, Mastodon's image_matrix_limit
	PreviewSize           = 400      // longest side of a preview, in pixels; the API derives meta.small from it
	MaxDescriptionChars   = 1500
)

// MediaStore keeps uploaded media attachments. Statuses claim them through StatusStore
// (CreateStatus / UpdateStatus set status_id); until then an attachment is "unattached".
type MediaStore interface {
	CreateAttachment(ctx context.Context, a *Attachment) error
	// AttachmentByID returns an attachment, attached or not; NotFound when there is none.
	AttachmentByID(ctx context.Context, id string) (*Attachment, error)
	// UpdateAttachment rewrites the description and focus of an attachment that no status has
	// claimed yet; NotFound when it does not exist or a status has claimed it meanwhile.
	UpdateAttachment(ctx context.Context, a *Attachment) error
	// UnattachedBefore lists up to limit attachments that no status claimed and that were created
	// before the given time, oldest first.
	UnattachedBefore(ctx context.Context, before time.Time, limit int) ([]*Attachment, error)
	// DeleteAttachment removes an unattached attachment's row; NotFound when it does not exist or
	// a status has claimed it, so a clean-up never removes media a post just took.
	DeleteAttachment(ctx context.Context, id string) error
	// DeletedStatusAttachments lists up to limit attachments whose status was deleted: of the
	// status statusID, or of any deleted status when statusID is "".
	DeletedStatusAttachments(ctx context.Context, statusID string, limit int) ([]*Attachment, error)
	// DeleteDeletedStatusAttachment removes the row of an attachment whose status was deleted;
	// NotFound for any other, so it can never take media from a live post.
	DeleteDeletedStatusAttachment(ctx context.Context, id string) error
}

// Errors a FileStore wraps (errors.Is) when a write fails for a reason that is the operator's to
// fix, so each surface can say so: the medium is full (HTTP 507), or it cannot be written at all,
// read-only, gone or refused (HTTP 503). A failed Put leaves no file, whole or partial.
var (
	ErrStorageFull        = errors.New("media storage is full")
	ErrStorageUnavailable = errors.New("media storage cannot be written")
)

// FileStore keeps media files by key. Keys are made by the domain: lower-case hex, one slash,
// and an extension (".jpg", ".png", ".gif", ".webp").
type FileStore interface {
	// Put writes a file, replacing any file of the same key, or leaves nothing behind; its
	// errors wrap ErrStorageFull or ErrStorageUnavailable where one applies.
	Put(ctx context.Context, key string, r io.Reader) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes a file; removing a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// URL is the absolute public address of a file.
	URL(key string) string
}

// MediaProcessor decodes and re-encodes images. It lives outside the domain because decoding
// WebP and scaling well need libraries beyond the standard library.
type MediaProcessor interface {
	// Probe reads only an image's header and returns its dimensions, so that an image too large
	// to decode safely is refused before it is decoded.
	Probe(ctx context.Context, contentType string, data []byte) (width, height int, err error)
	// Process strips metadata (EXIF, GPS, XMP, comments) from the image, keeping its format, and
	// makes a preview of PreviewType that fits in PreviewSize×PreviewSize pixels, sized as
	// PreviewDimensions says.
	Process(ctx context.Context, in ProcessInput) (*ProcessedImage, error)
}

// ProcessInput is an image to process.
type ProcessInput struct {
	ContentType string // sniffed: one of SupportedMediaTypes
	Data        []byte
	PreviewSize int
	PreviewType string // image/jpeg or image/png
}

// ProcessedImage is what a MediaProcessor makes of an upload.
type ProcessedImage struct {
	Original []byte // same format, without metadata
	Width    int
	Height   int
	Preview  []byte
	Blurhash string // optional
}

// Focus is the point of an image that crops keep in view: x and y in [-1, 1], (0, 0) the centre,
// y upwards, as in Mastodon.
type Focus struct {
	X, Y float64
}

// ParseFocus reads Mastodon's "x,y" form; "" is the centre.
func ParseFocus(s string) (Focus, error) {
	const op = "activitypub.ParseFocus"
	if strings.TrimSpace(s) == "" {
		return Focus{}, nil
	}
	xs, ys, ok := strings.Cut(s, ",")
	var f Focus
	if ok {
		_, errX := fmt.Sscanf(strings.TrimSpace(xs), "%g", &f.X)
		_, errY := fmt.Sscanf(strings.TrimSpace(ys), "%g", &f.Y)
		ok = errX == nil && errY == nil
	}
	if !ok {
		return Focus{}, E(op, Invalid, "focus must be two numbers: x,y")
	}
	return f, f.validate(op)
}

func (f Focus) validate(op string) error {
	if math.IsNaN(f.X) || math.IsNaN(f.Y) || f.X < -1 || f.X > 1 || f.Y < -1 || f.Y > 1 {
		return E(op, Invalid, "focus coordinates must be between -1.0 and 1.0")
	}
	return nil
}

// UploadInput is a file a local user uploads. ContentType and Filename are what the client
// claimed: the type is sniffed from the bytes, never trusted.
type UploadInput struct {
	Filename    string
	ContentType string
	Data        io.Reader
	Size        int64 // as announced; -1 or 0 when unknown. The bytes read are what count.
	Description string
	Focus       Focus
}

// MediaUpdate changes an unattached attachment; nil fields stay as they are.
type MediaUpdate struct {
	Description *string
	Focus       *Focus
}

// MediaOptions configures a MediaService. Store, Files and Processor are required.
type MediaOptions struct {
	Store     MediaStore
	Files     FileStore
	Processor MediaProcessor
	// MaxImageBytes caps an upload; DefaultMaxImageBytes when 0.
	MaxImageBytes int64
	// MaxImagePixels caps width×height; DefaultMaxImagePixels when 0.
	MaxImagePixels int
	// MaxConcurrent caps how many images are decoded at once (a 33-megapixel image needs over
	// 130 MB while it is processed); 2 when 0. Further uploads wait their turn.
	MaxConcurrent int
}

// MediaService holds the media use cases: upload, describe, look up, clean up. It is separate from
// Service so that a server without a media directory still has every other use case.
type MediaService struct {
	svc         *Service
	store       MediaStore
	files       FileStore
	proc        MediaProcessor
	maxBytes    int64
	maxPixels   int
	previewSize int
	slots       chan struct{} // one token per image being processed
}

// NewMediaService checks the options and returns a MediaService using svc's clock and ids.
func NewMediaService(svc *Service, o MediaOptions) (*MediaService, error) {
	const op = "activitypub.NewMediaService"
	if svc == nil || o.Store == nil || o.Files == nil || o.Processor == nil {
		return nil, E(op, Invalid, "service, store, files and processor are required")
	}
	if o.MaxImageBytes <= 0 {
		o.MaxImageBytes = DefaultMaxImageBytes
	}
	if o.MaxImagePixels <= 0 {
		o.MaxImagePixels = DefaultMaxImagePixels
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 2
	}
	return &MediaService{svc: svc, store: o.Store, files: o.Files, proc: o.Processor,
		maxBytes: o.MaxImageBytes, maxPixels: o.MaxImagePixels, previewSize: PreviewSize,
		slots: make(chan struct{}, o.MaxConcurrent)}, nil
}

// MaxImageBytes is the upload limit, for the instance configuration clients read.
func (m *MediaService) MaxImageBytes() int64 { return m.maxBytes }

// MaxImagePixels is the width×height limit (Mastodon's image_matrix_limit).
func (m *MediaService) MaxImagePixels() int { return m.maxPixels }

// SupportedMediaTypes lists the content types uploads may have.
func SupportedMediaTypes() []string {
	return []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
}

// SniffMediaType names the supported image format data starts with, or "" for anything else.
// It matches the signatures net/http's DetectContentType uses for these four formats.
func SniffMediaType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1A\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif"
	case len(data) >= 14 && string(data[:4]) == "RIFF" && string(data[8:14]) == "WEBPVP":
		return "image/webp"
	}
	return ""
}

// MediaExtension is the file extension of a supported content type, with its dot.
func MediaExtension(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// PreviewType is the format of an image's preview: JPEG for photos, PNG for the formats that may
// be transparent (a GIF's preview is its first frame).
func PreviewType(contentType string) string {
	if contentType == "image/jpeg" {
		return "image/jpeg"
	}
	return "image/png"
}

// PreviewDimensions scales width×height to fit in max×max, keeping the aspect ratio and never
// enlarging. Processors and the API both use it, so meta.small matches the file.
func PreviewDimensions(width, height, max int) (int, int) {
	if width <= 0 || height <= 0 || max <= 0 || (width <= max && height <= max) {
		return width, height
	}
	if width >= height {
		h := int(math.Round(float64(height) * float64(max) / float64(width)))
		return max, clampMin1(h)
	}
	w := int(math.Round(float64(width) * float64(max) / float64(height)))
	return clampMin1(w), max
}

func clampMin1(v int) int {
	if v < 1 {
		return 1
	}
	return v
}

// PreviewKey is the file key of an attachment's preview, derived from the original's key and
// content type so that one column (Attachment.Path) names both files.
func PreviewKey(path, contentType string) string {
	if path == "" {
		return ""
	}
	return strings.TrimSuffix(path, MediaExtension(contentType)) + "_small" + MediaExtension(PreviewType(contentType))
}

// UploadMedia checks, cleans and stores an image uploaded by a local user and returns the new,
// unattached attachment. The image's type is sniffed from its bytes; it is re-encoded without
// metadata (so no GPS position leaves the building) and given a preview. If any step fails,
// nothing is left behind: no row and no file.
func (m *MediaService) UploadMedia(ctx context.Context, by *Account, in UploadInput) (*Attachment, error) {
	const op = "activitypub.UploadMedia"
	in.Description = strings.TrimSpace(in.Description)
	a, out, err := m.prepare(ctx, op, by, in)
	if err != nil {
		return nil, err
	}
	if err := m.putFiles(ctx, a, out); err != nil {
		return nil, Wrap(op, err)
	}
	if err := m.store.CreateAttachment(ctx, a); err != nil {
		m.deleteFiles(ctx, a)
		return nil, Wrap(op, err)
	}
	return a, nil
}

// process runs the processor once a slot is free, so that a burst of uploads cannot exhaust
// memory.
func (m *MediaService) process(ctx context.Context, in ProcessInput) (*ProcessedImage, error) {
	select {
	case m.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-m.slots }()
	return m.proc.Process(ctx, in)
}

func (m *MediaService) tooLarge(op string) error {
	return E(op, Invalid, "File is too large: the limit is "+byteSize(m.maxBytes))
}

// byteSize writes a limit the way people read it: "16 MiB", "64 KiB", "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func validDescription(op, d string) error {
	if utf8.RuneCountInString(strings.TrimSpace(d)) > MaxDescriptionChars {
		return E(op, Invalid, fmt.Sprintf("Description must be at most %d characters", MaxDescriptionChars))
	}
	return nil
}

// newMediaKey returns an unguessable key: two hex digits of directory, then 32 more.
func newMediaKey(contentType string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("media key: %w", err)
	}
	h := hex.EncodeToString(b[:])
	return h[:2] + "/" + h + MediaExtension(contentType), nil
}

// putFiles stores the original and the preview, removing the first if the second fails.
func (m *MediaService) putFiles(ctx context.Context, a *Attachment, out *ProcessedImage) error {
	if err := m.files.Put(ctx, a.Path, bytes.NewReader(out.Original)); err != nil {
		m.deleteFiles(ctx, a)
		return fmt.Errorf("store %s: %w", a.Path, err)
	}
	pk := PreviewKey(a.Path, a.ContentType)
	if err := m.files.Put(ctx, pk, bytes.NewReader(out.Preview)); err != nil {
		m.deleteFiles(ctx, a)
		return fmt.Errorf("store %s: %w", pk, err)
	}
	return nil
}

// deleteFiles removes an attachment's files, even when ctx was cancelled (a client that hung up
// mid-upload must not leave orphans). Failures are logged: there is nothing else to do.
func (m *MediaService) deleteFiles(ctx context.Context, a *Attachment) {
	ctx = context.WithoutCancel(ctx)
	for _, key := range []string{a.Path, PreviewKey(a.Path, a.ContentType)} {
		if key == "" {
			continue
		}
		if err := m.files.Delete(ctx, key); err != nil {
			m.svc.log.Warn("media: delete file", "key", key, "err", err)
		}
	}
}

// Media returns one of the caller's attachments, attached or not. Anyone else's is NotFound.
func (m *MediaService) Media(ctx context.Context, by *Account, id string) (*Attachment, error) {
	const op = "activitypub.Media"
	return m.own(ctx, op, by, id)
}

// UpdateMedia changes the description or focus of one of the caller's attachments. Only an
// attachment no status has claimed may change (as in Mastodon; an attached one changes by editing
// the status): a claimed one is a Conflict. Anyone else's is NotFound.
func (m *MediaService) UpdateMedia(ctx context.Context, by *Account, id string, in MediaUpdate) (*Attachment, error) {
	const op = "activitypub.UpdateMedia"
	a, err := m.own(ctx, op, by, id)
	if err != nil {
		return nil, err
	}
	if a.StatusID != "" {
		return nil, E(op, Conflict, "Media is attached to a post already: edit the post instead")
	}
	if in.Description != nil {
		if err := validDescription(op, *in.Description); err != nil {
			return nil, err
		}
		a.Description = strings.TrimSpace(*in.Description)
	}
	if in.Focus != nil {
		if err := in.Focus.validate(op); err != nil {
			return nil, err
		}
		a.FocusX, a.FocusY = in.Focus.X, in.Focus.Y
	}
	if err := m.store.UpdateAttachment(ctx, a); err != nil {
		if IsNotFound(err) {
			return nil, E(op, Conflict, "Media is attached to a post already: edit the post instead")
		}
		return nil, Wrap(op, err)
	}
	return a, nil
}

// own loads an attachment and checks that by uploaded it.
func (m *MediaService) own(ctx context.Context, op string, by *Account, id string) (*Attachment, error) {
	if by == nil {
		return nil, E(op, Unauthorized, "This method requires an authenticated user")
	}
	a, err := m.store.AttachmentByID(ctx, id)
	if err != nil {
		if IsNotFound(err) {
			return nil, E(op, NotFound, "Record not found")
		}
		return nil, Wrap(op, err)
	}
	if a.ActorID != by.Actor.ID {
		return nil, E(op, NotFound, "Record not found")
	}
	return a, nil
}

// CleanUnattached deletes media uploaded before the given time that no status claimed (an
// abandoned draft), rows first and then files, up to limit of them. It returns how many went.
func (m *MediaService) CleanUnattached(ctx context.Context, before time.Time, limit int) (int, error) {
	const op = "activitypub.CleanUnattached"
	list, err := m.store.UnattachedBefore(ctx, before, limit)
	if err != nil {
		return 0, Wrap(op, err)
	}
	n := 0
	for _, a := range list {
		if err := m.store.DeleteAttachment(ctx, a.ID); err != nil {
			if IsNotFound(err) {
				continue // claimed by a post since we listed it
			}
			return n, Wrap(op, err)
		}
		m.deleteFiles(ctx, a)
		n++
	}
	return n, nil
}

// CleanDeletedStatusMedia removes the media of deleted statuses, local or remote (remote media has
// files only if it was cached): of the one status statusID, or up to limit of any deleted status
// when statusID is "". Files go first and the row after, so an interrupted clean-up leaves a row
// the next run finds rather than a file nothing points at. Call it after the deletion commits.
func (m *MediaService) CleanDeletedStatusMedia(ctx context.Context, statusID string, limit int) (int, error) {
	const op = "activitypub.CleanDeletedStatusMedia"
	list, err := m.store.DeletedStatusAttachments(ctx, statusID, limit)
	if err != nil {
		return 0, Wrap(op, err)
	}
	n := 0
	for _, a := range list {
		if a.Path != "" {
			if err := m.removeFiles(ctx, a); err != nil {
				return n, Wrap(op, err) // the row stays; the next sweep retries
			}
		}
		if err := m.store.DeleteDeletedStatusAttachment(ctx, a.ID); err != nil && !IsNotFound(err) {
			return n, Wrap(op, err)
		}
		n++
	}
	return n, nil
}

// removeFiles deletes an attachment's original and preview, stopping at the first failure.
func (m *MediaService) removeFiles(ctx context.Context, a *Attachment) error {
	for _, key := range []string{a.Path, PreviewKey(a.Path, a.ContentType)} {
		if key == "" {
			continue
		}
		if err := m.files.Delete(ctx, key); err != nil {
			return fmt.Errorf("delete file %s: %w", key, err)
		}
	}
	return nil
}
