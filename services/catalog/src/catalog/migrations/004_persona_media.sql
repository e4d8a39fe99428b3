-- Pictures of a persona (catalog/commands/media.py): the cover and each version's gallery.
-- Both hold the sha256 names of re-encoded renderings, never an upload: {id, thumb, large,
-- width, height[, caption]}. Projections of PersonaCoverChanged / PersonaGalleryImage*.
ALTER TABLE personas ADD COLUMN cover jsonb;
ALTER TABLE persona_versions ADD COLUMN gallery jsonb NOT NULL DEFAULT '[]';
