// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) in the test process and
// collects the messages it receives, so tests can read the mail a user would get and follow its
// links.
package mailtest

import (
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one received mail, decoded.
type Message struct {
	From, To string // envelope
	Header   mail.Header
	Subject  string
	Body     string // decoded text
}

// Server is a running SMTP server.
type Server struct {
	// URL is the --smtp-url that reaches it (with credentials when the server requires them).
	URL      string
	received chan Message
	mu       sync.Mutex
	all      []Message
}

// Start runs a server on 127.0.0.1 until the test ends. With user and pass set it requires AUTH
// PLAIN with them (allowed without TLS: net/smtp sends it to 127.0.0.1 only).
func Start(t testing.TB, user, pass string) *Server {
	t.Helper()
	s := &Server{received: make(chan Message, 100)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, user: user, pass: pass, authed: user == ""}, nil
	}))
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 1 << 20
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	u := url.URL{Scheme: "smtp", Host: l.Addr().String()}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	s.URL = u.String()
	return s
}

// Next waits for the next message (up to 10 seconds, a bound, not a measurement).
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.received:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail arrived")
		return Message{}
	}
}

// Count is how many messages have arrived so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all)
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Link returns the first URL in the body that contains part, or fails the test.
func (m Message) Link(t testing.TB, part string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(m.Body, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link containing %q in mail %q:\n%s", part, m.Subject, m.Body)
	return ""
}

type session struct {
	srv        *Server
	user, pass string
	authed     bool
	from, to   string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.user || pass != s.pass {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	m := Message{From: s.from, To: s.to, Header: msg.Header, Subject: subject,
		Body: strings.ReplaceAll(string(b), "\r\n", "\n")}
	s.srv.mu.Lock()
	s.srv.all = append(s.srv.all, m)
	s.srv.mu.Unlock()
	s.srv.received <- m
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", "" }
func (s *session) Logout() error { return nil }
