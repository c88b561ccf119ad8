-- A local user's own settings that are not part of their federated profile: the visibility the
-- compose form and Mastodon apps start from, and the text alternatives of the profile picture
-- and header image (shown to screen-reader users as the images' alt text). A missing row means
-- the defaults: public, no descriptions.
CREATE TABLE account_settings (
    user_id            TEXT PRIMARY KEY REFERENCES users (actor_id) ON DELETE CASCADE,
    default_visibility TEXT NOT NULL DEFAULT 'public'
        CHECK (default_visibility IN ('public', 'unlisted', 'private', 'direct', 'local')),
    avatar_description TEXT NOT NULL DEFAULT '',
    header_description TEXT NOT NULL DEFAULT '',
    updated_at         BIGINT NOT NULL
);
