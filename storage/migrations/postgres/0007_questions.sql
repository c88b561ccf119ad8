-- Questions and ideas are listed apart from posts (newest first, answered or not); a partial
-- index keeps those lists off the scan of every status.
CREATE INDEX statuses_kind ON statuses (kind, id) WHERE kind <> 'post';
