-- What each local user did to a direct-message conversation. Conversations themselves are
-- computed from direct statuses and mentions; a thread is a status's context_uri, or its uri when
-- it has none. last_read_id: the conversation was read up to this status. hidden_up_to: it was
-- removed from the list when this was its last status, and stays hidden until a newer one.
CREATE TABLE conversation_states (
    user_id      TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    thread       TEXT NOT NULL,
    last_read_id TEXT NOT NULL DEFAULT '',
    hidden_up_to TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread)
);

-- A viewer's own direct statuses without reading all their statuses: partial, so only direct
-- posts pay for it on write.
CREATE INDEX statuses_direct ON statuses (actor_id, id) WHERE visibility = 'direct';
