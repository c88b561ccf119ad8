package web

import (
	"fmt"
	"html"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// maxComposeBytes bounds the compose form: four images at the media service's limit plus text.
func (h *Handler) maxComposeBytes() int64 {
	if h.media == nil {
		return maxFormBytes
	}
	return activitypub.MaxAttachments*h.media.MaxImageBytes() + maxFormBytes
}

// newCompose is an empty compose form that comes back to returnTo after posting.
func (h *Handler) newCompose(returnTo string, compact bool) composeView {
	return composeView{Action: "/compose", Return: returnTo, Compact: compact, Images: h.media != nil}
}

// composeForm is the compose page, optionally replying to ?in_reply_to=.
func (h *Handler) composeForm(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	c := h.newCompose("", false)
	if err := h.partnerOptions(r, &c); err != nil {
		return err
	}
	if id := r.URL.Query().Get("in_reply_to"); id != "" {
		if err := h.replyContext(r, &c, id); err != nil {
			return err
		}
	}
	if id := r.URL.Query().Get("quote"); id != "" {
		if err := h.quoteContext(r, &c, id); err != nil {
			return err
		}
	}
	c.Group = r.URL.Query().Get("group")
	if err := h.offerGroups(r, &c); err != nil {
		return err
	}
	h.composeDefault(r, &c)
	return h.render(w, r, http.StatusOK, "compose", view{Title: c.Heading, Section: "compose", Page: c})
}

// partnerOptions offers the instance's partner list on the compose page.
func (h *Handler) partnerOptions(r *http.Request, c *composeView) error {
	list, err := h.svc.ConfiguredPartners(r.Context())
	c.PartnerOptions = list
	return err
}

// replyContext loads the post being replied to, which must be visible to the author.
func (h *Handler) replyContext(r *http.Request, c *composeView, id string) error {
	acct := AccountFrom(r.Context())
	st, err := h.svc.GetStatus(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, id)
	if err != nil {
		return err
	}
	ps, err := h.presenter(r).posts(r.Context(), []*activitypub.Status{st})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return errNotFound
	}
	c.InReplyTo, c.Parent = st.ID, &ps[0]
	c.Heading = "Reply to " + ps[0].Author.Name
	if c.Visibility == "" && st.Visibility != activitypub.Public {
		c.Visibility = st.Visibility // a reply keeps a narrower audience unless changed
		if st.Visibility == activitypub.Partners && len(c.Partners) == 0 {
			c.Partners = st.Partners
		}
	}
	return nil
}

// draft is a submitted compose form.
type draft struct {
	c      composeView
	action string
	images []draftImage
}

type draftImage struct {
	slot   int
	header *multipart.FileHeader
}

func readDraft(r *http.Request, h *Handler) draft {
	f := r.PostForm
	d := draft{action: f.Get("action"), c: h.newCompose(safeReturn(f.Get("return")), false)}
	d.c.Text = f.Get("text")
	d.c.Markdown = f.Get("markdown") != ""
	d.c.Visibility = activitypub.Visibility(f.Get("visibility"))
	d.c.SpoilerText = strings.TrimSpace(f.Get("spoiler_text"))
	d.c.Partners, d.c.PartnersOther = f["partners"], strings.TrimSpace(f.Get("partners_other"))
	d.c.Partners = append(d.c.Partners, strings.FieldsFunc(d.c.PartnersOther, func(r rune) bool {
		return r == ',' || r == ';' || unicode.IsSpace(r)
	})...)
	d.c.Group, d.c.GroupFixed = f.Get("group"), f.Get("group_fixed") != ""
	for i := range d.c.Alts {
		d.c.Alts[i] = strings.TrimSpace(f.Get(fmt.Sprintf("image_%d_alt", i+1)))
	}
	if r.MultipartForm != nil {
		for i := 0; i < activitypub.MaxAttachments; i++ {
			fhs := r.MultipartForm.File[fmt.Sprintf("image_%d", i+1)]
			if len(fhs) == 0 || fhs[0].Size == 0 {
				continue
			}
			d.images = append(d.images, draftImage{slot: i, header: fhs[0]})
		}
	}
	return d
}

// validate puts every problem on its field at once, so a person fixes them in one go.
func (d draft) validate() []fieldError {
	var errs []fieldError
	n := utf8.RuneCountInString(strings.TrimSpace(d.c.Text))
	switch {
	case n == 0 && len(d.images) == 0:
		errs = append(errs, fieldError{Field: "compose-text", Message: "Enter what you want to say"})
	case n > activitypub.MaxStatusChars:
		errs = append(errs, fieldError{Field: "compose-text", Message: fmt.Sprintf(
			"Your post must be %d characters or fewer; it has %d", activitypub.MaxStatusChars, n)})
	}
	if d.c.Visibility != "" && !d.c.Visibility.Valid() {
		errs = append(errs, fieldError{Field: "compose-visibility-public", Message: "Choose who can see this post"})
	}
	if utf8.RuneCountInString(d.c.SpoilerText) > activitypub.MaxSpoilerChars {
		errs = append(errs, fieldError{Field: "spoiler_text", Message: fmt.Sprintf(
			"The content warning must be %d characters or fewer", activitypub.MaxSpoilerChars)})
	}
	chosen := map[int]bool{}
	for _, img := range d.images {
		chosen[img.slot] = true
		if d.c.Alts[img.slot] == "" {
			errs = append(errs, fieldError{Field: fmt.Sprintf("image_%d_alt", img.slot+1),
				Message: fmt.Sprintf("Describe image %d for people who cannot see it", img.slot+1)})
		}
	}
	for i, alt := range d.c.Alts {
		if alt != "" && !chosen[i] {
			errs = append(errs, fieldError{Field: fmt.Sprintf("image_%d", i+1),
				Message: fmt.Sprintf("Choose image %d again, or clear its description", i+1)})
		}
	}
	return errs
}

// compose handles the compose form: Preview shows the rendered text, Post publishes it. A refused
// form comes back with everything typed still in it and nothing stored.
func (h *Handler) compose(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	d := readDraft(r, h)
	if id := r.PostForm.Get("in_reply_to"); id != "" {
		if err := h.replyContext(r, &d.c, id); err != nil {
			return err
		}
	}
	if id := r.PostForm.Get("quote"); id != "" {
		if err := h.quoteContext(r, &d.c, id); err != nil {
			return err
		}
	}
	h.composeDefault(r, &d.c)
	if errs := d.validate(); len(errs) > 0 {
		return h.composeAgain(w, r, http.StatusUnprocessableEntity, d.c, errs)
	}
	if d.action == "preview" {
		d.c.Preview = h.renderPreview(d.c.Text, d.c.Markdown)
		return h.composeAgain(w, r, http.StatusOK, d.c, nil)
	}
	ids, ferr, err := h.uploadImages(r, acct, d)
	if err != nil {
		return err
	}
	if ferr != nil {
		return h.composeAgain(w, r, http.StatusUnprocessableEntity, d.c, []fieldError{*ferr})
	}
	in := activitypub.PostInput{Text: withQuoteLink(d.c.Text, d.c.quoteURL), Visibility: d.c.Visibility, InReplyToID: d.c.InReplyTo,
		SpoilerText: d.c.SpoilerText, AttachmentIDs: ids, Format: activitypub.FormatPlain}
	if d.c.Visibility == activitypub.Partners {
		in.Partners = d.c.Partners // names for any other visibility are left unused, not refused
	}
	if d.c.Markdown {
		in.Format = activitypub.FormatMarkdown
	}
	st, err := h.postIn(r.Context(), acct, d.c.Group, in)
	if k := activitypub.KindOf(err); k == activitypub.Forbidden && d.c.Group != "" {
		return h.composeAgain(w, r, http.StatusForbidden, d.c,
			[]fieldError{{Field: "compose-group", Message: sentence(activitypub.Message(err))}})
	}
	if activitypub.KindOf(err) == activitypub.Invalid {
		field := "compose-text"
		if d.c.Visibility == activitypub.Partners && strings.Contains(activitypub.Message(err), "partner") {
			field = "compose-partners-other"
		}
		return h.composeAgain(w, r, http.StatusUnprocessableEntity, d.c,
			[]fieldError{{Field: field, Message: sentence(activitypub.Message(err))}})
	}
	if err != nil {
		return err
	}
	if d.c.Return != "" {
		return redirect(w, r, d.c.Return+"#post-"+url.QueryEscape(st.ID))
	}
	return redirect(w, r, "/@"+url.PathEscape(acct.Actor.Username)+"/"+url.PathEscape(st.ID))
}

// composeAgain shows the compose page with the draft and its errors.
func (h *Handler) composeAgain(w http.ResponseWriter, r *http.Request, status int, c composeView, errs []fieldError) error {
	title := c.Heading
	if title == "" {
		title = "Write a post"
	}
	if c.PartnerOptions == nil {
		if err := h.partnerOptions(r, &c); err != nil {
			return err
		}
	}
	if err := h.offerGroups(r, &c); err != nil {
		return err
	}
	return h.render(w, r, status, "compose", view{Title: title, Section: "compose", Errors: errs, Page: c})
}

// uploadImages stores the chosen images with their descriptions. A file the media service refuses
// (not an image, too big) is a field error, not a failure of the page.
func (h *Handler) uploadImages(r *http.Request, acct *activitypub.Account, d draft) ([]string, *fieldError, error) {
	if len(d.images) == 0 {
		return nil, nil, nil
	}
	if h.media == nil {
		return nil, &fieldError{Field: "image_1", Message: "Images cannot be attached on this server"}, nil
	}
	var ids []string
	for _, img := range d.images {
		f, err := img.header.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("web: open upload: %w", err)
		}
		a, err := h.media.UploadMedia(r.Context(), acct, activitypub.UploadInput{
			Filename: img.header.Filename, ContentType: img.header.Header.Get("Content-Type"),
			Data: f, Size: img.header.Size, Description: d.c.Alts[img.slot],
		})
		f.Close()
		if activitypub.KindOf(err) == activitypub.Invalid {
			return nil, &fieldError{Field: fmt.Sprintf("image_%d", img.slot+1),
				Message: fmt.Sprintf("Image %d: %s", img.slot+1, activitypub.Message(err))}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, a.ID)
	}
	return ids, nil, nil
}

// renderPreview renders the text as it will be posted. Mentions are left as typed: resolving
// them would fetch remote servers on every preview.
func (h *Handler) renderPreview(text string, markdown bool) template.HTML {
	format := activitypub.FormatPlain
	if markdown {
		format = activitypub.FormatMarkdown
	}
	if h.preview != nil {
		out, err := h.preview.Render(text, format, func(string, string) (string, bool) { return "", false })
		if err == nil {
			return template.HTML(out.HTML) // the renderer's output is sanitised HTML
		}
		h.log.Warn("web: preview failed", "err", err)
	}
	return template.HTML("<p>" + strings.ReplaceAll(html.EscapeString(text), "\n", "<br>") + "</p>")
}

// safeReturn is a return address on this site, empty when there is none.
func safeReturn(s string) string {
	if s == "" {
		return ""
	}
	return safeNext(s)
}
