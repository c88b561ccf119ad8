-- question_views counts the views of a question by signed-in local people other than its asker
-- (issue 10, analytics). after_accept is the part of them made while an answer was accepted: the
-- "helpdesk calls avoided" figure of the analytics report. accepted_at is when the current answer
-- was accepted here (unix ms), for an exact "median time to an accepted answer".
CREATE TABLE question_views (
    status_id   TEXT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    views       BIGINT NOT NULL DEFAULT 0,
    after_accept BIGINT NOT NULL DEFAULT 0,
    accepted_at  BIGINT
);
