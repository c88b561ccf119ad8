// Package media turns uploaded images into what Guildhall stores and serves, for both surfaces
// that accept uploads: the staff web UI (ui/web) and the Mastodon client API (ui/mastoapi).
//
// It holds the two adapters the domain's media use cases need and cannot write with the standard
// library alone:
//
//   - Processor implements activitypub.MediaProcessor: it reads dimensions, re-encodes JPEG and
//     PNG without their metadata (EXIF, GPS, XMP, text chunks) after applying the EXIF
//     orientation, drops the metadata chunks of WebP without re-encoding it, keeps GIF as it is
//     (animation included), makes a preview with a Catmull-Rom scaler and computes a blurhash.
//   - DirFileStore implements activitypub.FileStore over a directory, and Files serves that
//     directory at /media/{key}: immutable cache headers, nosniff, the content type taken from the
//     extension, no listings, and nothing outside the directory (keys are checked and every file
//     is opened through os.Root).
package media
