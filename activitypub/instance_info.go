package activitypub

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// InstanceInfo is how the instance describes itself: on the about page, in the Mastodon
// instance endpoints and to apps choosing a server. An empty Title means the operator's
// configured one (or the domain).
type InstanceInfo struct {
	Title        string
	Description  string
	ContactEmail string
	// Rules are the instance rules, one per entry, in order.
	Rules []string
}

// Limits of the instance description, so a typo cannot put a novel in every client's first call.
const (
	MaxInstanceTitleChars       = 100
	MaxInstanceDescriptionChars = 2000
	MaxInstanceRules            = 20
	MaxInstanceRuleChars        = 300
)

// Setting keys of the instance description, in the SettingStore.
const (
	settingInstanceTitle       = "instance.title"
	settingInstanceDescription = "instance.description"
	settingInstanceContact     = "instance.contact_email"
	settingInstanceRules       = "instance.rules" // one rule a line
)

// InstanceInfo returns what administrators saved; fields never saved are empty.
func (s *Service) InstanceInfo(ctx context.Context) (InstanceInfo, error) {
	const op = "activitypub.InstanceInfo"
	var info InstanceInfo
	var rules string
	for _, f := range []struct {
		key string
		dst *string
	}{{settingInstanceTitle, &info.Title}, {settingInstanceDescription, &info.Description},
		{settingInstanceContact, &info.ContactEmail}, {settingInstanceRules, &rules}} {
		v, err := s.store.Setting(ctx, f.key)
		if err != nil && !IsNotFound(err) {
			return InstanceInfo{}, Wrap(op, err)
		}
		*f.dst = v
	}
	for _, r := range strings.Split(rules, "\n") {
		if r = strings.TrimSpace(r); r != "" {
			info.Rules = append(info.Rules, r)
		}
	}
	return info, nil
}

// SetInstanceInfo replaces the instance description, for staff with instance_settings. Every
// field is checked before anything is written, and the change is in the audit log.
func (s *Service) SetInstanceInfo(ctx context.Context, by *Account, in InstanceInfo, reason string) error {
	const op = "activitypub.SetInstanceInfo"
	if err := s.Authorize(ctx, op, by, PermInstanceSettings); err != nil {
		return err
	}
	in.Title, in.Description, in.ContactEmail = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.ContactEmail)
	var rules []string
	for _, r := range in.Rules {
		if r = strings.TrimSpace(strings.ReplaceAll(r, "\n", " ")); r != "" {
			rules = append(rules, r)
		}
	}
	if err := checkInstanceInfo(op, in, rules); err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		for key, v := range map[string]string{settingInstanceTitle: in.Title, settingInstanceDescription: in.Description,
			settingInstanceContact: in.ContactEmail, settingInstanceRules: strings.Join(rules, "\n")} {
			if err := s.store.SetSetting(ctx, key, v); err != nil {
				return Wrap(op, err)
			}
		}
		return s.AuditOther(ctx, by, "instance.describe", "setting", "instance", reason)
	})
}

func checkInstanceInfo(op string, in InstanceInfo, rules []string) error {
	switch {
	case utf8.RuneCountInString(in.Title) > MaxInstanceTitleChars:
		return E(op, Invalid, fmt.Sprintf("the name must be %d characters or fewer", MaxInstanceTitleChars))
	case utf8.RuneCountInString(in.Description) > MaxInstanceDescriptionChars:
		return E(op, Invalid, fmt.Sprintf("the description must be %d characters or fewer", MaxInstanceDescriptionChars))
	case len(rules) > MaxInstanceRules:
		return E(op, Invalid, fmt.Sprintf("there can be at most %d rules", MaxInstanceRules))
	}
	if in.ContactEmail != "" {
		if a, err := mail.ParseAddress(in.ContactEmail); err != nil || a.Address != in.ContactEmail {
			return E(op, Invalid, "the contact address must be an email address, like digital@council.example")
		}
	}
	for i, r := range rules {
		if utf8.RuneCountInString(r) > MaxInstanceRuleChars {
			return E(op, Invalid, fmt.Sprintf("rule %d must be %d characters or fewer", i+1, MaxInstanceRuleChars))
		}
	}
	return nil
}
