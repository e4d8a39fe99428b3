import { useState } from "react";
import type { PersonaImage } from "../api";
import { Modal } from "./Modal";

/** Thumbnails of sample output; a click opens the larger rendering in a dialog. */
export function Gallery({ images, label }: { images: PersonaImage[]; label: string }) {
  const [open, setOpen] = useState<number | null>(null);
  if (!images.length) return null;
  const shown = open === null ? null : images[open];
  return (
    <>
      <ul className="gallery" aria-label={label}>
        {images.map((img, i) => (
          <li key={img.id}>
            <button type="button" className="gallery-thumb" onClick={() => setOpen(i)} aria-label={`Open image ${i + 1}${img.caption ? `: ${img.caption}` : ""}`}>
              <img src={img.thumb_url} alt={img.caption ?? `Sample output ${i + 1}`} loading="lazy" />
            </button>
            {img.caption ? <div className="gallery-caption small muted">{img.caption}</div> : null}
          </li>
        ))}
      </ul>
      {shown && open !== null ? (
        <Modal
          title={shown.caption || `Sample output ${open + 1} of ${images.length}`}
          onClose={() => setOpen(null)}
          footer={
            images.length > 1 ? (
              <>
                <button type="button" className="btn" onClick={() => setOpen((open - 1 + images.length) % images.length)}>
                  ← Previous
                </button>
                <button type="button" className="btn" onClick={() => setOpen((open + 1) % images.length)}>
                  Next →
                </button>
              </>
            ) : undefined
          }
        >
          <img className="gallery-large" src={shown.url} alt={shown.caption ?? `Sample output ${open + 1}`} width={shown.width} height={shown.height} />
        </Modal>
      ) : null}
    </>
  );
}
