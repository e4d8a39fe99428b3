-- Uploaded avatars' renderings (256 x 256 WebP, a few KB each), by the sha256 of their bytes.
-- Kept in the database rather than on a disk: identity runs several replicas, and a profile's
-- picture is backed up with the profile. Written before the ProfileUpdated event that points
-- `avatar_url` at `/api/avatars/<sha256>.webp`; not a projection (a rebuild keeps it).
CREATE TABLE avatar_images (
    sha256     text PRIMARY KEY,
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
