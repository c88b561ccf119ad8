// Package mail sends the instance's email (confirmations, password resets, approval notices)
// through an SMTP server, with the standard library's net/smtp.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub/accounts"
)

// Options configures a Sender.
type Options struct {
	// URL is smtp://[user:pass@]host[:port] (STARTTLS when the server offers it, required when
	// credentials are given to a server that is not on this machine) or smtps://… (TLS from the
	// first byte, port 465 by default).
	URL string
	// From is the sender address, e.g. "Guildhall <noreply@council.example>".
	From string
	// Timeout bounds one whole send; 30 seconds when zero.
	Timeout time.Duration
	// TLS, when set, replaces the default TLS configuration (tests trust their own CA with it).
	TLS *tls.Config
}

// Sender sends plain-text mail over SMTP. It holds no connection: each message dials afresh,
// which suits the few messages an instance sends.
type Sender struct {
	addr     string // host:port
	host     string
	implicit bool // smtps
	auth     smtp.Auth
	from     *mail.Address
	timeout  time.Duration
	tls      *tls.Config
}

var _ accounts.Mailer = (*Sender)(nil)

// New checks the options and returns a Sender.
func New(o Options) (*Sender, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("mail: --smtp-url: %w", err)
	}
	s := &Sender{timeout: o.Timeout, host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("mail: --smtp-url must start with smtp:// or smtps://, not %q", u.Scheme)
	}
	if s.host == "" {
		return nil, fmt.Errorf("mail: --smtp-url has no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pass, _ := u.User.Password()
		// PlainAuth itself refuses to send the password unencrypted to anything but localhost.
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, s.host)
	}
	if o.From == "" {
		return nil, fmt.Errorf("mail: --smtp-from is required with --smtp-url")
	}
	if s.from, err = mail.ParseAddress(o.From); err != nil {
		return nil, fmt.Errorf("mail: --smtp-from %q: %w", o.From, err)
	}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	s.tls = o.TLS
	if s.tls == nil {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	s.tls = s.tls.Clone()
	if s.tls.ServerName == "" {
		s.tls.ServerName = s.host
	}
	return s, nil
}

// Send delivers one message and returns once the server accepted it.
func (s *Sender) Send(ctx context.Context, m accounts.Mail) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg, err := s.compose(to, m.Subject, m.Text)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := s.transmit(c, to.Address, msg); err != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", to.Address, s.addr, err)
	}
	return nil
}

func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("mail: connect to %s: %w", s.addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if s.implicit {
		conn = tls.Client(conn, s.tls)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: greeting from %s: %w", s.addr, err)
	}
	return c, nil
}

func (s *Sender) transmit(c *smtp.Client, to string, msg []byte) error {
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose builds an RFC 5322 message: UTF-8 text, quoted-printable, encoded-word subject.
func (s *Sender) compose(to *mail.Address, subject, text string) ([]byte, error) {
	if strings.ContainsAny(subject, "\r\n") {
		return nil, fmt.Errorf("mail: subject contains a line break")
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	_, domain, _ := strings.Cut(s.from.Address, "@")
	var b bytes.Buffer
	for _, h := range [][2]string{
		{"From", s.from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", subject)},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id[:]) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"Auto-Submitted", "auto-generated"},
	} {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
