package server

import (
	"io"
	"net/http"
)

const (
	// maxRequestBody is the largest body any route accepts: a video upload (99 MiB) plus its
	// form fields. Larger declared bodies are refused before any handler runs.
	maxRequestBody = 100 << 20
	// drainLimit is how much of a refused body is read and thrown away before the answer, so a
	// sender that writes its whole body before reading (every ActivityPub server does) reads our
	// 413 instead of a connection reset, which it would retry forever (RES-08).
	drainLimit = 8 << 20
)

// answerOversized makes body refusals readable. A request declaring more than maxRequestBody
// gets 413 at once; for any handler that answers 413 (its own, smaller cap), up to drainLimit of
// the unread body is discarded before the status goes out. Beyond drainLimit the connection is
// closed after the answer, as net/http would.
func answerOversized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r) // GETs, streaming and WebSocket upgrades pass untouched
			return
		}
		dw := &drainingWriter{ResponseWriter: w, body: r.Body}
		if r.ContentLength > maxRequestBody {
			writeTooLarge(dw)
			return
		}
		next.ServeHTTP(dw, r)
	})
}

// writeTooLarge answers 413 with a short JSON error.
func writeTooLarge(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = io.WriteString(w, `{"error":"request body too large"}`+"\n")
}

// drainingWriter discards the rest of the request body before a 413 goes out.
type drainingWriter struct {
	http.ResponseWriter
	body    io.ReadCloser
	drained bool
}

func (d *drainingWriter) WriteHeader(code int) {
	if code == http.StatusRequestEntityTooLarge && !d.drained {
		d.drained = true
		// The handler's own reader (a LimitReader or MaxBytesReader) wraps this body, so what it
		// consumed is gone and only the rest is read here.
		n, _ := io.CopyN(io.Discard, d.body, drainLimit)
		if n == drainLimit {
			d.Header().Set("Connection", "close")
		}
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d *drainingWriter) Write(b []byte) (int, error) { return d.ResponseWriter.Write(b) }

// Unwrap lets http.ResponseController reach the connection's writer.
func (d *drainingWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }

// Flush passes flushes through for handlers that stream a POST's answer.
func (d *drainingWriter) Flush() {
	if f, ok := d.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
