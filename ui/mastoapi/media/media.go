// Package media is the media part of the Mastodon client API: uploading (POST /api/v1/media and
// /api/v2/media), reading (GET /api/v1/media/{id}) and describing (PUT /api/v1/media/{id}) images,
// and the MediaAttachment JSON that ui/mastoapi reuses for statuses.
//
// It does not import ui/mastoapi: that package hands it its token authentication and its error
// adapter through Options, so both answer alike. Processing is synchronous, so both upload
// versions answer 200 with a url, and clients never need to poll.
package media

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
)

// Scope is the OAuth scope every media route needs, as in Mastodon.
const Scope = "write:media"

// maxFieldBytes bounds a text field of an upload form (a 1500-character description is at most
// 6000 bytes of UTF-8).
const maxFieldBytes = 16 << 10

// Options configures a Handler. Every field is required.
type Options struct {
	Media *activitypub.MediaService
	// Authenticate returns the signed-in account behind the request's bearer token, or an error
	// (no token, a bad one, an application token, a missing scope) that WriteError can map.
	Authenticate func(r *http.Request, scope string) (*activitypub.Account, error)
	// WriteError answers with the API's JSON error for err (domain kinds → status codes).
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// BaseURL is the instance's scheme://host, for AttachmentJSON.
	BaseURL string
}

// Handler serves the media routes.
type Handler struct {
	o Options
}

// New checks the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Media == nil || o.Authenticate == nil || o.WriteError == nil || o.BaseURL == "" {
		return nil, errors.New("media.New: Media, Authenticate, WriteError and BaseURL are required")
	}
	return &Handler{o: o}, nil
}

// route is one line of the route table.
type route struct {
	method, path string
	handle       func(w http.ResponseWriter, r *http.Request, by *activitypub.Account) error
}

func (h *Handler) routes() []route {
	return []route{
		{http.MethodPost, "/api/v1/media", h.upload},
		{http.MethodPost, "/api/v2/media", h.upload},
		{http.MethodGet, "/api/v1/media/{id}", h.show},
		{http.MethodPut, "/api/v1/media/{id}", h.update},
	}
}

// Routes registers the media routes on r. Register them before ui/mastoapi's own Routes, whose
// catch-all answers the CORS preflights of every /api/ path and 404s the rest.
func (h *Handler) Routes(r *mux.Router) {
	for _, rt := range h.routes() {
		r.Handle(rt.path, h.chain(rt)).Methods(rt.method)
	}
}

// chain authenticates, sets the headers every API answer has, and maps errors.
func (h *Handler) chain(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-store")
		by, err := h.o.Authenticate(r, Scope)
		if err == nil && by == nil {
			err = activitypub.E("media", activitypub.Unauthorized, "This method requires an authenticated user")
		}
		if err == nil {
			err = rt.handle(w, r, by)
		}
		if err != nil {
			h.o.WriteError(w, r, err)
		}
	})
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request, by *activitypub.Account) error {
	a, err := h.o.Media.Media(r.Context(), by, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	return h.write(w, a)
}

func (h *Handler) write(w http.ResponseWriter, a *activitypub.Attachment) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(AttachmentJSON(a, h.o.BaseURL))
}

// upload reads a multipart form (file, description, focus; thumbnail is ignored) part by part,
// holding the file in memory up to the limit and never writing a temporary file.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request, by *activitypub.Account) error {
	const op = "mastoapi/media.upload"
	limit := h.o.Media.MaxImageBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20) // the file plus a megabyte of fields
	mr, err := r.MultipartReader()
	if err != nil {
		return activitypub.E(op, activitypub.Invalid, "No file uploaded: send multipart/form-data with a file field")
	}
	in := activitypub.UploadInput{Size: -1}
	var data []byte
parts:
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return readError(op, err)
		}
		switch part.FormName() {
		case "file":
			if data != nil {
				continue
			}
			in.Filename, in.ContentType = part.FileName(), part.Header.Get("Content-Type")
			// One byte over the limit is enough for the domain to refuse it; the rest is not read.
			if data, err = io.ReadAll(io.LimitReader(part, limit+1)); err != nil {
				return readError(op, err)
			}
			if int64(len(data)) > limit {
				break parts // UploadMedia refuses it below; the rest of the body is never read
			}
		case "description":
			if in.Description, err = field(part); err != nil {
				return readError(op, err)
			}
		case "focus":
			s, err := field(part)
			if err != nil {
				return readError(op, err)
			}
			if in.Focus, err = activitypub.ParseFocus(s); err != nil {
				return err
			}
		}
		part.Close()
	}
	if data == nil {
		return activitypub.E(op, activitypub.Invalid, "No file uploaded")
	}
	in.Data, in.Size = bytes.NewReader(data), int64(len(data))
	a, err := h.o.Media.UploadMedia(r.Context(), by, in)
	if err != nil {
		return err
	}
	return h.write(w, a)
}

func field(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxFieldBytes {
		return "", activitypub.E("mastoapi/media", activitypub.Invalid, "Form field "+p.FormName()+" is too long")
	}
	return string(b), nil
}

// readError maps a failed read of the body: past the size cap (the file's limit plus a megabyte
// of fields) or malformed, it is the client's; anything else is ours.
func readError(op string, err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &activitypub.Error{Op: op, Kind: activitypub.Invalid, Msg: "Request body is too large", Err: err}
	case activitypub.KindOf(err) != activitypub.Other:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "multipart"):
		return &activitypub.Error{Op: op, Kind: activitypub.Invalid, Msg: "Malformed multipart body", Err: err}
	}
	return activitypub.Wrap(op, err)
}

// update changes the description or the focus. Clients send JSON (masto.js), a urlencoded form or
// a multipart form; a field that is absent stays as it is.
func (h *Handler) update(w http.ResponseWriter, r *http.Request, by *activitypub.Account) error {
	const op = "mastoapi/media.update"
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	fields, err := updateFields(r)
	if err != nil {
		return &activitypub.Error{Op: op, Kind: activitypub.Invalid, Msg: "Malformed request body", Err: err}
	}
	var in activitypub.MediaUpdate
	if d, ok := fields["description"]; ok {
		in.Description = &d
	}
	if f, ok := fields["focus"]; ok {
		focus, err := activitypub.ParseFocus(f)
		if err != nil {
			return err
		}
		in.Focus = &focus
	}
	a, err := h.o.Media.UpdateMedia(r.Context(), by, mux.Vars(r)["id"], in)
	if err != nil {
		return err
	}
	return h.write(w, a)
}

// updateFields reads description and focus from the query and the body, whatever its encoding.
func updateFields(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil && err != io.EOF {
			return nil, err
		}
		for _, k := range []string{"description", "focus"} {
			switch v := body[k].(type) {
			case string:
				out[k] = v
			case nil:
				if _, present := body[k]; present {
					out[k] = "" // null clears
				}
			default:
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
		return out, nil
	}
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"description", "focus"} {
		if vs, ok := r.Form[k]; ok && len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out, nil
}
