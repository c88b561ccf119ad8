package storage

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Topics the store announces by itself when shared data changes, so that every process sharing
// the database can drop what it keeps in memory. Whoever changes the row announces it (a server
// process, the admin CLI, another host), inside the change's transaction.
const (
	// TopicPolicy: a domain policy was set or removed. Payload: the domain.
	TopicPolicy = "policy"
	// TopicSetting: an instance setting changed (the federation mode is one). Payload: its name.
	TopicSetting = "setting"
	// TopicActor: an actor's row (profile, keys, suspension) was written. Payload: its id.
	TopicActor = "actor"
	// TopicToken: an access token was revoked. Payload: its hash (accounts.HashSecret).
	TopicToken = "token"
	// TopicGroup: a local group was created. Payload: its actor id.
	TopicGroup = "group"
)

// MaxBusPayload bounds one message: PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MaxBusPayload = 7900

// busChannel names the NOTIFY channel of the connection's schema. Channels are database-wide, so
// the schema is mixed in: two instances (or two tests) in one database do not hear each other.
// It is hashed because a channel is an identifier of at most 63 bytes.
func busChannel(ctx context.Context, db *sqlx.DB) (string, error) {
	var schema string
	if err := db.GetContext(ctx, &schema, `SELECT current_schema()`); err != nil {
		return "", fmt.Errorf("current schema: %w", err)
	}
	sum := md5.Sum([]byte(schema))
	return "guildhall_" + hex.EncodeToString(sum[:8]), nil
}

// Shared reports whether several processes may use this database at once (PostgreSQL): what a
// process keeps in memory must then be announced to, and invalidated by, the others. SQLite is
// one process's database.
func (s *Store) Shared() bool { return s.channel != "" }

// announce sends topic and payload to every process listening on this database. Inside a
// transaction PostgreSQL delivers it at commit and never if it rolls back, so nobody reloads
// before the change is visible. Without a shared database it does nothing.
func (s *Store) announce(ctx context.Context, topic, payload string) error {
	if !s.Shared() {
		return nil
	}
	msg := topic + "\n" + payload
	if len(msg) > MaxBusPayload {
		return fmt.Errorf("storage: announce %s: payload of %d bytes is over %d", topic, len(msg), MaxBusPayload)
	}
	_, err := s.exec(ctx, `SELECT pg_notify(?, ?)`, s.channel, msg)
	return mapErr("storage.announce", err)
}

// Bus carries short messages between the processes that share one PostgreSQL database, over
// LISTEN/NOTIFY: one dedicated connection per process, reconnected when lost. Delivery is at most
// once and only to processes listening at the time, so a Bus suits invalidation and wake-ups,
// with the database staying the truth; after a reconnection OnResync's functions run, because
// messages may have been missed.
type Bus struct {
	store *Store
	l     *pq.Listener
	log   *slog.Logger

	mu       sync.RWMutex
	handlers map[string][]func(payload string)
	resync   []func()

	done chan struct{}
}

// ErrNotShared is returned by OpenBus for a database only one process uses (SQLite).
var ErrNotShared = errors.New("storage: this database is not shared between processes")

// pingEvery is how often an idle bus connection is checked, so a silently dropped one is noticed.
const pingEvery = time.Minute

// OpenBus starts listening on this database's channel and returns once the LISTEN is in place,
// so that anything announced after it returns is heard. ErrNotShared for SQLite.
func (s *Store) OpenBus(ctx context.Context, log *slog.Logger) (*Bus, error) {
	if !s.Shared() {
		return nil, ErrNotShared
	}
	if log == nil {
		log = slog.Default()
	}
	b := &Bus{store: s, log: log, handlers: map[string][]func(string){}, done: make(chan struct{})}
	b.l = pq.NewListener(s.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			log.Warn("storage bus: connection lost; reconnecting", "err", err)
		case pq.ListenerEventReconnected:
			log.Info("storage bus: reconnected")
		case pq.ListenerEventConnectionAttemptFailed:
			log.Debug("storage bus: connection attempt failed", "err", err)
		}
	})
	listened := make(chan error, 1)
	go func() { listened <- b.l.Listen(s.channel) }()
	select {
	case err := <-listened:
		if err != nil {
			b.l.Close()
			return nil, fmt.Errorf("storage: open bus: listen: %w", err)
		}
	case <-ctx.Done():
		b.l.Close()
		return nil, fmt.Errorf("storage: open bus: %w", ctx.Err())
	}
	go b.loop()
	return b, nil
}

// Publish sends payload on topic to every listening process, this one included (a process that
// handles its own changes directly tells its messages apart, e.g. by an origin in the payload).
// Called inside a transaction of this store, the message goes out at commit.
func (b *Bus) Publish(ctx context.Context, topic, payload string) error {
	return b.store.announce(ctx, topic, payload)
}

// Subscribe calls fn with the payload of every message on topic, on the bus's one goroutine, in
// the order sent: fn must return quickly (hand slow work to a goroutine of its own).
func (b *Bus) Subscribe(topic string, fn func(payload string)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.handlers[topic] = append(b.handlers[topic], fn)
}

// OnResync registers fn to run after the bus reconnected, when messages may have been lost:
// caches should forget everything.
func (b *Bus) OnResync(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resync = append(b.resync, fn)
}

// Close stops listening and waits for the dispatching goroutine to finish.
func (b *Bus) Close() error {
	err := b.l.Close()
	<-b.done
	return err
}

func (b *Bus) loop() {
	defer close(b.done)
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case n, ok := <-b.l.Notify:
			if !ok {
				return // closed
			}
			b.dispatch(n)
		case <-ping.C:
			go func() {
				if err := b.l.Ping(); err != nil {
					b.log.Debug("storage bus: ping", "err", err)
				}
			}()
		}
	}
}

// dispatch runs the handlers of one notification; nil means the connection was re-established.
func (b *Bus) dispatch(n *pq.Notification) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if n == nil {
		for _, fn := range b.resync {
			fn()
		}
		return
	}
	topic, payload, _ := strings.Cut(n.Extra, "\n")
	for _, fn := range b.handlers[topic] {
		fn(payload)
	}
}
