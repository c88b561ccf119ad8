//go:build tools

package guildhall

import (
	_ "github.com/VictoriaMetrics/metrics"
	_ "github.com/chromedp/chromedp"
	_ "github.com/coder/websocket"
	_ "github.com/go-fed/activity/streams"
	_ "github.com/go-fed/httpsig"
	_ "github.com/gorilla/mux"
	_ "github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	_ "github.com/mattn/go-mastodon"
	_ "github.com/microcosm-cc/bluemonday"
	_ "github.com/oklog/ulid/v2"
	_ "github.com/yuin/goldmark"
	_ "golang.org/x/crypto/argon2"
	_ "modernc.org/sqlite"
)
