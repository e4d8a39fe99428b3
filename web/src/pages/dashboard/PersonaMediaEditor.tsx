import { useRef, useState, type ChangeEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { addGalleryImage, errorMessage, removeCover, removeGalleryImage, setCover, type Persona } from "../../api";
import { qk } from "../../api/queryKeys";
import { TextField } from "../../components/Field";
import { Alert } from "../../components/States";
import { useToast } from "../../components/Toast";
import { IMAGE_ACCEPT, MAX_GALLERY_IMAGES, imageProblem, pickImage } from "../../lib/files";

/**
 * The persona's pictures: a cover for the marketplace cards and up to 8 images of sample output
 * per version. Each file uploads as soon as it is picked; the server re-encodes it.
 */
export function PersonaMediaEditor({ persona }: { persona: Persona }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [problem, setProblem] = useState<string | null>(null);
  const [caption, setCaption] = useState("");
  const coverInput = useRef<HTMLInputElement>(null);
  const galleryInput = useRef<HTMLInputElement>(null);
  const latest = persona.versions?.[0];
  const gallery = latest?.gallery ?? [];

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
    void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
  };
  const onError = (e: unknown) => setProblem(errorMessage(e));

  const cover = useMutation({
    mutationFn: async (file: File | null): Promise<void> => {
      if (file) await setCover(persona.id, file);
      else await removeCover(persona.id);
    },
    onSuccess: (_, file) => {
      setProblem(null);
      refresh();
      notify(file ? "Cover image saved." : "Cover image removed.");
    },
    onError,
  });
  const addImage = useMutation({
    mutationFn: (files: File[]) =>
      files.reduce<Promise<unknown>>((prev, f) => prev.then(() => addGalleryImage(persona.id, latest!.version, f, caption)), Promise.resolve()),
    onSuccess: (_, files) => {
      setProblem(null);
      setCaption("");
      refresh();
      notify(files.length === 1 ? "Image added to the gallery." : `${files.length} images added to the gallery.`);
    },
    onError: (e) => {
      onError(e);
      refresh(); // the images before the refused one were added
    },
  });
  const removeImage = useMutation({
    mutationFn: (imageId: string) => removeGalleryImage(persona.id, latest!.version, imageId),
    onSuccess: refresh,
    onError,
  });

  const pickCover = pickImage(setProblem, (file) => cover.mutate(file));
  const pickGallery = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = "";
    if (!files.length) return;
    const why = files.map(imageProblem).find(Boolean);
    if (why) return setProblem(why);
    if (gallery.length + files.length > MAX_GALLERY_IMAGES) {
      return setProblem(`A version shows at most ${MAX_GALLERY_IMAGES} images: ${MAX_GALLERY_IMAGES - gallery.length} more fit.`);
    }
    addImage.mutate(files);
  };

  return (
    <section className="card stack" aria-labelledby="media-heading">
      <h2 id="media-heading">Pictures</h2>
      <p className="muted">
        A cover makes your persona stand out on the marketplace; gallery images show buyers what it writes. PNG, JPEG or WebP up to 8 MB — we resize them and
        remove hidden data such as the location a photo was taken.
      </p>
      {problem ? <Alert kind="error">{problem}</Alert> : null}
      <div className="media-editor">
        {persona.cover ? <img className="cover-preview" src={persona.cover.thumb_url} alt="Current cover" /> : <div className="cover-preview muted">No cover yet</div>}
        <div className="stack">
          <button type="button" className="btn" onClick={() => coverInput.current?.click()} disabled={cover.isPending}>
            {cover.isPending ? "Uploading…" : persona.cover ? "Change cover image" : "Upload cover image"}
          </button>
          <input ref={coverInput} className="sr-only" tabIndex={-1} type="file" accept={IMAGE_ACCEPT} aria-label="Cover image" onChange={pickCover} />
          {persona.cover ? (
            <button type="button" className="btn btn-ghost" onClick={() => cover.mutate(null)} disabled={cover.isPending}>
              Remove cover
            </button>
          ) : null}
        </div>
      </div>
      <h3>Gallery {latest ? `of version ${latest.version}` : ""}</h3>
      {!latest ? (
        <p className="muted">Publish a version first; its gallery shows on the persona's page.</p>
      ) : (
        <>
          <ul className="gallery gallery-editor" aria-label="Gallery images">
            {gallery.map((img, i) => (
              <li key={img.id}>
                <img className="gallery-thumb" src={img.thumb_url} alt={img.caption ?? `Gallery image ${i + 1}`} />
                {img.caption ? <div className="gallery-caption small muted">{img.caption}</div> : null}
                <button type="button" className="btn btn-ghost btn-small" onClick={() => removeImage.mutate(img.id)} disabled={removeImage.isPending}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p className="hint">
            {gallery.length} of {MAX_GALLERY_IMAGES} images.
          </p>
          {gallery.length < MAX_GALLERY_IMAGES ? (
            <div className="form-grid">
              <TextField
                label="Caption (optional)"
                maxLength={200}
                value={caption}
                onChange={(e) => setCaption(e.target.value)}
                placeholder="e.g. An Instagram caption it wrote"
              />
              <div className="stack">
                <button type="button" className="btn" onClick={() => galleryInput.current?.click()} disabled={addImage.isPending}>
                  {addImage.isPending ? "Uploading…" : "Add gallery images"}
                </button>
                <input ref={galleryInput} className="sr-only" tabIndex={-1} type="file" multiple accept={IMAGE_ACCEPT} aria-label="Gallery images to add" onChange={pickGallery} />
              </div>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
