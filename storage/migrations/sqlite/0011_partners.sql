-- Partner-only visibility and the expertise directory.

-- A partner-only status is stored as a followers-only row ('private') plus its partner list
-- here, so every query that does not know about partners treats it as followers-only (the
-- narrowest existing rule that still lets local followers see it). Lower-case host names.
CREATE TABLE status_partners (
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    domain    TEXT NOT NULL,
    PRIMARY KEY (status_id, domain)
);

-- The expertise directory: role, team and skills of local and remote people, kept from their
-- profile fields (PropertyValue "Role", "Team", "Skills") whenever the profile is saved or
-- received. search is the lower-cased text q= matches (name, handle, role, team, skills).
CREATE TABLE actor_expertise (
    actor_id   TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT '',
    team       TEXT NOT NULL DEFAULT '',
    skills     TEXT NOT NULL DEFAULT '',
    search     TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

-- One row per skill (lower-cased), for skill= lookups by index.
CREATE TABLE actor_skills (
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    skill    TEXT NOT NULL,
    PRIMARY KEY (actor_id, skill)
);
CREATE INDEX actor_skills_skill ON actor_skills (skill, actor_id);
