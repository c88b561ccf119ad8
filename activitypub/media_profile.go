package activitypub

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Profile image kinds.
const (
	ProfileAvatar = "avatar"
	ProfileHeader = "header"
)

// ProfileImage cleans and stores a new avatar or header for a local account and returns its URL,
// to be set with UpdateProfile. It goes through the same checks as any upload (type sniffed,
// metadata stripped, size and pixel limits) but makes no attachment row: the image belongs to the
// profile, not to a post, so the sweep of unattached uploads must not remove it. An avatar is
// served at preview size (at most PreviewSize pixels), a header at full size.
func (m *MediaService) ProfileImage(ctx context.Context, by *Account, kind string, data io.Reader) (string, error) {
	const op = "activitypub.ProfileImage"
	if kind != ProfileAvatar && kind != ProfileHeader {
		return "", E(op, Invalid, "profile image must be an avatar or a header")
	}
	a, out, err := m.prepare(ctx, op, by, UploadInput{Data: data})
	if err != nil {
		return "", err
	}
	if err := m.putFiles(ctx, a, out); err != nil {
		return "", Wrap(op, err)
	}
	if kind == ProfileAvatar {
		return a.PreviewURL, nil
	}
	return a.URL, nil
}

// prepare runs the checks and the image processing of an upload and describes the attachment it
// would make, without storing anything.
func (m *MediaService) prepare(ctx context.Context, op string, by *Account, in UploadInput) (*Attachment, *ProcessedImage, error) {
	if by == nil {
		return nil, nil, E(op, Unauthorized, "This method requires an authenticated user")
	}
	if err := validDescription(op, in.Description); err != nil {
		return nil, nil, err
	}
	if err := in.Focus.validate(op); err != nil {
		return nil, nil, err
	}
	if in.Data == nil {
		return nil, nil, E(op, Invalid, "No file uploaded")
	}
	if in.Size > m.maxBytes {
		return nil, nil, m.tooLarge(op)
	}
	data, err := io.ReadAll(io.LimitReader(in.Data, m.maxBytes+1))
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	if int64(len(data)) > m.maxBytes {
		return nil, nil, m.tooLarge(op)
	}
	if len(data) == 0 {
		return nil, nil, E(op, Invalid, "File is empty")
	}
	ct := SniffMediaType(data)
	if ct == "" {
		return nil, nil, E(op, Invalid, "File type not supported")
	}
	w, h, err := m.proc.Probe(ctx, ct, data)
	if err != nil {
		return nil, nil, &Error{Op: op, Kind: Invalid, Msg: "File could not be processed", Err: err}
	}
	if w <= 0 || h <= 0 || int64(w)*int64(h) > int64(m.maxPixels) {
		return nil, nil, E(op, Invalid, fmt.Sprintf("Image dimensions must be at most %d pixels in total", m.maxPixels))
	}
	out, err := m.process(ctx, ProcessInput{ContentType: ct, Data: data, PreviewSize: m.previewSize, PreviewType: PreviewType(ct)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, Wrap(op, ctx.Err())
		}
		return nil, nil, &Error{Op: op, Kind: Invalid, Msg: "File could not be processed", Err: err}
	}
	key, err := newMediaKey(ct)
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	a := &Attachment{
		ID: m.svc.NewID(), ActorID: by.Actor.ID, Type: "image", ContentType: ct, Path: key,
		URL: m.files.URL(key), PreviewURL: m.files.URL(PreviewKey(key, ct)),
		Description: in.Description, Blurhash: out.Blurhash,
		Width: out.Width, Height: out.Height, Size: int64(len(out.Original)),
		FocusX: in.Focus.X, FocusY: in.Focus.Y, CreatedAt: m.svc.Now().Truncate(time.Millisecond), // as stored
	}
	return a, out, nil
}
