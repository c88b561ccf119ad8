package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gorilla/mux"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeKey
)

// RequestID returns the id of the request being served, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// validRequestID accepts an id from a proxy in front of us only if it is short and plain, so it
// cannot inject anything into logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status code for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, hijack for WebSockets).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe wraps the whole server: request id, access log and request metrics.
func observe(log *slog.Logger, set *metrics.Set, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		route := new(string)
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey, id), routeKey, route)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		name := *route
		if name == "" {
			name = "unmatched"
		}
		labels := `{route=` + strconv.Quote(name) + `,method=` + strconv.Quote(r.Method) + `,code="` + strconv.Itoa(rec.status) + `"}`
		set.GetOrCreateCounter("guildhall_http_requests_total" + labels).Inc()
		set.GetOrCreatePrometheusHistogram(`guildhall_http_request_duration_seconds{route=` + strconv.Quote(name) + `}`).Update(elapsed.Seconds())
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		} else if name == "/healthz" || name == "/readyz" || name == "/metrics" {
			level = slog.LevelDebug
		}
		log.LogAttrs(ctx, level, "request",
			slog.String("id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", name), slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
			slog.Duration("duration", elapsed))
	})
}

// nameRoute records the matched route template for observe; it runs inside the router.
func nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(routeKey).(*string); ok {
			if cur := mux.CurrentRoute(r); cur != nil {
				if tpl, err := cur.GetPathTemplate(); err == nil {
					*p = tpl
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a 500 and a log line instead of a dropped
// connection with no trace.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panic", "panic", v, "path", r.URL.Path, "id", RequestID(r.Context()))
				http.Error(w, "internal error (request "+RequestID(r.Context())+")", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientAddress rewrites RemoteAddr to the client's address when the request came through a
// trusted proxy: the rightmost X-Forwarded-For entry that is not itself a trusted proxy. Anything
// else (a direct client) keeps its own address, so a client cannot choose its rate-limit key.
func clientAddress(trusted []netip.Prefix, next http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		if a.IsLoopback() {
			return true
		}
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		xff := r.Header.Values("X-Forwarded-For")
		if err == nil && len(xff) > 0 && isTrusted(peer.Addr()) {
			hops := strings.Split(strings.Join(xff, ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				if !isTrusted(a) || i == 0 {
					r2 := r.Clone(r.Context())
					r2.RemoteAddr = netip.AddrPortFrom(a.Unmap(), 0).String()
					r = r2
					break
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
