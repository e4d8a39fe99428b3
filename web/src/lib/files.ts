// What catalog accepts in a persona version (services/catalog uploads.py and settings).
import type { ChangeEvent } from "react";

export const PERSONA_FILE_TYPES = [".txt", ".md", ".json", ".yaml", ".yml", ".csv", ".docx", ".pdf", ".odt", ".png", ".jpg", ".jpeg", ".webp"] as const;
export const PERSONA_FILE_ACCEPT = PERSONA_FILE_TYPES.join(",");
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_VERSION_BYTES = 50 * 1024 * 1024;
export const MAX_FILES = 20;

export const PERSONA_FILES_HINT =
  "Word (.docx), PDF, OpenDocument (.odt), text, Markdown, JSON, YAML or CSV files and PNG, JPEG or WebP images — up to 20 files, 10 MB each. Files with macros or a password are refused.";

// Covers, gallery images and avatars (shared/images.py): recognised by content, re-encoded.
export const IMAGE_ACCEPT = "image/png,image/jpeg,image/webp";
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
export const MAX_GALLERY_IMAGES = 8;

/** Why this image would be refused, or undefined when it looks fine (the server decides). */
export function imageProblem(file: File): string | undefined {
  if (!/\.(png|jpe?g|webp)$/i.test(file.name) && !/^image\/(png|jpeg|webp)$/.test(file.type)) {
    return `“${file.name}” isn't a PNG, JPEG or WebP image.`;
  }
  if (file.size > MAX_IMAGE_BYTES) return `“${file.name}” is larger than 8 MB.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  return undefined;
}

/** Why these files would be refused, or undefined when they look fine. */
export function personaFilesProblem(files: File[]): string | undefined {
  const bad = files.find((f) => !PERSONA_FILE_TYPES.some((ext) => f.name.toLowerCase().endsWith(ext)));
  if (bad && /\.(docm|dotm)$/i.test(bad.name)) return `“${bad.name}” contains macros: save it as a plain Word document (.docx) and upload that.`;
  if (bad && /\.doc$/i.test(bad.name)) return `“${bad.name}” is an old Word file: save it as .docx and upload that.`;
  if (bad) return `“${bad.name}” can't be uploaded: use ${PERSONA_FILE_TYPES.join(", ")} files.`;
  const big = files.find((f) => f.size > MAX_FILE_BYTES);
  if (big) return `“${big.name}” is larger than 10 MB.`;
  const empty = files.find((f) => f.size === 0);
  if (empty) return `“${empty.name}” is empty.`;
  if (files.length > MAX_FILES) return `Upload at most ${MAX_FILES} files per version.`;
  if (files.reduce((n, f) => n + f.size, 0) > MAX_VERSION_BYTES) return "A version can hold at most 50 MB in total.";
  return undefined;
}

/** A file input's change handler for one image: checked here, then uploaded, or the problem said. */
export function pickImage(onProblem: (why: string) => void, onImage: (file: File) => void) {
  return (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    const why = imageProblem(file);
    if (why) onProblem(why);
    else onImage(file);
  };
}
