package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/mail"
	"github.com/guildhall/guildhall/adapters/mail/mailtest"
)

func TestSendReachesARealSMTPServer(t *testing.T) {
	for _, tc := range []struct{ name, user, pass string }{
		{"no auth", "", ""},
		{"auth plain", "guildhall", "s3cret pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.user, tc.pass)
			s, err := mail.New(mail.Options{URL: srv.URL, From: "Guildhall <noreply@council.test>"})
			if err != nil {
				t.Fatal(err)
			}
			text := "Hello Zoë,\n\nopen https://council.test/auth/confirm?token=abc_DEF-123&x=1 to confirm. " +
				strings.Repeat("long line ", 20) + "\n"
			err = s.Send(context.Background(), accounts.Mail{To: "zoe@council.test", Subject: "Confirm — now", Text: text})
			if err != nil {
				t.Fatal(err)
			}
			m := srv.Next(t)
			if m.To != "zoe@council.test" || m.From != "noreply@council.test" {
				t.Errorf("envelope %q → %q", m.From, m.To)
			}
			if m.Subject != "Confirm — now" {
				t.Errorf("subject %q", m.Subject)
			}
			if m.Body != text {
				t.Errorf("body changed in transit:\n%q\n%q", m.Body, text)
			}
			if got := m.Link(t, "/auth/confirm"); got != "https://council.test/auth/confirm?token=abc_DEF-123&x=1" {
				t.Errorf("link %q", got)
			}
		})
	}
}

func TestSendRefusals(t *testing.T) {
	srv := mailtest.Start(t, "guildhall", "right")
	wrong := strings.Replace(srv.URL, ":right@", ":wrong@", 1)
	if wrong == srv.URL {
		t.Fatal("test URL has no password to change")
	}
	s, err := mail.New(mail.Options{URL: wrong, From: "noreply@council.test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), accounts.Mail{To: "a@council.test", Subject: "x", Text: "x"}); err == nil {
		t.Error("wrong SMTP password: sent anyway")
	}
	good, _ := mail.New(mail.Options{URL: srv.URL, From: "noreply@council.test"})
	if err := good.Send(context.Background(), accounts.Mail{To: "a@council.test", Subject: "x\r\nBcc: evil@x.test", Text: "x"}); err == nil {
		t.Error("a subject with a line break (header injection) was sent")
	}
	if err := good.Send(context.Background(), accounts.Mail{To: "a@council.test\r\nBcc: evil@x.test", Subject: "x", Text: "x"}); err == nil {
		t.Error("a recipient with a line break was sent")
	}
	if srv.Count() != 0 {
		t.Errorf("%d messages arrived; want none", srv.Count())
	}
	for _, bad := range []mail.Options{
		{URL: "http://mail.test", From: "a@b.test"},
		{URL: "smtp://", From: "a@b.test"},
		{URL: "smtp://mail.test", From: ""},
		{URL: "smtp://mail.test", From: "not an address"},
	} {
		if _, err := mail.New(bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}
