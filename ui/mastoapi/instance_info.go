package mastoapi

import (
	"context"
	"net/http"
	"strconv"
)

// describedInstance is the title, description, contact and rules the instance endpoints show:
// what administrators saved on the instance settings page, else the server's configuration.
type describedInstance struct {
	title, description, email string
	rules                     []map[string]string
}

// instanceInfo reads the saved description; a failure is logged and the configuration used,
// since every client calls the instance endpoint first.
func (h *Handler) instanceInfo(ctx context.Context) describedInstance {
	d := describedInstance{title: h.opts.Title, description: h.opts.Description, email: h.opts.ContactEmail,
		rules: []map[string]string{}}
	info, err := h.svc.InstanceInfo(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "instance description", "err", err)
		return d
	}
	if info.Title != "" {
		d.title = info.Title
	}
	if info.Description != "" {
		d.description = info.Description
	}
	if info.ContactEmail != "" {
		d.email = info.ContactEmail
	}
	for i, r := range info.Rules {
		d.rules = append(d.rules, map[string]string{"id": strconv.Itoa(i + 1), "text": r, "hint": ""})
	}
	return d
}

// instanceRules is GET /api/v1/instance/rules.
func (h *Handler) instanceRules(w http.ResponseWriter, r *http.Request, _ *call) error {
	return ok(w, h.instanceInfo(r.Context()).rules)
}
