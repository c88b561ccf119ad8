package web

import (
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// adminInstances lists the servers this one knows and how delivery to each is going, the most
// troubled first, so an administrator sees a failing partner council at a glance.
func (h *Handler) adminInstances(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	list, err := h.svc.KnownInstances(r.Context(), acct, 500)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "admin_instances", view{Title: "Known servers", Section: "admin", Page: list})
}

// instanceForm is the instance settings form as shown or typed.
type instanceForm struct {
	Title, Description, ContactEmail, Rules string
}

func (h *Handler) instanceSettingsForm(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := h.requireAdmin(w, r); !ok {
		return err
	}
	info, err := h.svc.InstanceInfo(r.Context())
	if err != nil {
		return err
	}
	f := instanceForm{Title: info.Title, Description: info.Description, ContactEmail: info.ContactEmail,
		Rules: strings.Join(info.Rules, "\n")}
	msg := ""
	if r.URL.Query().Get("saved") != "" {
		msg = "The instance settings have been saved"
	}
	return h.render(w, r, http.StatusOK, "admin_instance", view{Title: "Instance settings", Section: "admin-instance",
		Page: f, Message: msg})
}

// instanceSettings saves the instance description; a bad field comes back with what was typed.
func (h *Handler) instanceSettings(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.requireAdmin(w, r)
	if !ok {
		return err
	}
	pf := r.PostForm
	f := instanceForm{Title: strings.TrimSpace(pf.Get("title")), Description: strings.TrimSpace(pf.Get("description")),
		ContactEmail: strings.TrimSpace(pf.Get("contact_email")), Rules: strings.TrimSpace(pf.Get("rules"))}
	info := activitypub.InstanceInfo{Title: f.Title, Description: f.Description, ContactEmail: f.ContactEmail,
		Rules: strings.Split(strings.ReplaceAll(f.Rules, "\r\n", "\n"), "\n")}
	err = h.svc.SetInstanceInfo(r.Context(), acct, info, "")
	if activitypub.KindOf(err) == activitypub.Invalid {
		msg := activitypub.Message(err)
		field := "title"
		switch {
		case strings.Contains(msg, "description"):
			field = "description"
		case strings.Contains(msg, "contact"):
			field = "contact_email"
		case strings.Contains(msg, "rule"):
			field = "rules"
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_instance", view{Title: "Instance settings",
			Section: "admin-instance", Page: f, Errors: []fieldError{{Field: field, Message: sentence(msg)}}})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/instance?saved=1")
}

// aboutView is the about page: the instance's own description and rules, when saved.
type aboutView struct {
	Info activitypub.InstanceInfo
}

func (h *Handler) aboutPage(w http.ResponseWriter, r *http.Request) error {
	info, err := h.svc.InstanceInfo(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "about", view{Title: "About this service", Page: aboutView{Info: info}})
}
