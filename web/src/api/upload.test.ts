import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, upload } from "./client";
import { tokenStore } from "./tokens";
import { createPersona } from "./endpoints";

interface Scripted {
  status: number;
  body: unknown;
}

/** A fake XMLHttpRequest that answers from a script and reports upload progress. */
function installFakeXhr(script: Scripted[]) {
  const sent: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  class FakeXhr {
    upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    responseText = "";
    private method = "";
    private url = "";
    private headers: Record<string, string> = {};
    open(method: string, url: string) {
      this.method = method;
      this.url = url;
    }
    setRequestHeader(k: string, v: string) {
      this.headers[k] = v;
    }
    getResponseHeader(k: string) {
      return k.toLowerCase() === "content-type" ? (this.status >= 400 ? "application/problem+json" : "application/json") : null;
    }
    abort() {
      this.onabort?.();
    }
    send(body: unknown) {
      sent.push({ method: this.method, url: this.url, headers: { ...this.headers }, body });
      const answer = script[Math.min(sent.length - 1, script.length - 1)];
      queueMicrotask(() => {
        this.upload.onprogress?.({ loaded: 50, total: 100, lengthComputable: true });
        this.upload.onprogress?.({ loaded: 100, total: 100, lengthComputable: true });
        this.status = answer.status;
        this.responseText = answer.body === undefined ? "" : JSON.stringify(answer.body);
        this.onload?.();
      });
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe("upload (XHR multipart)", () => {
  it("reports progress and sends the bearer token", async () => {
    tokenStore.setTokens({ access_token: "acc", refresh_token: "ref", token_type: "Bearer", expires_in: 900 });
    const sent = installFakeXhr([{ status: 201, body: { id: "p9", status: "draft" } }]);
    const progress: (number | null)[] = [];
    const file = new File(["x"], "a.md");
    const persona = await createPersona(
      { name: "N", short_description: "S", description: "", category: "c", tags: [], price_cents: 0, currency: "USD", usage_terms: { personal: true, commercial: false, derivatives: false } },
      "draft",
      [file],
      { onProgress: (p) => progress.push(p.fraction) },
    );
    expect(persona).toEqual({ id: "p9", status: "draft" });
    expect(sent[0].method).toBe("POST");
    expect(sent[0].url).toBe("/api/personas");
    expect(sent[0].headers.Authorization).toBe("Bearer acc");
    expect(sent[0].body).toBeInstanceOf(FormData);
    expect(progress).toEqual([0.5, 1, 1]);
  });

  it("turns validation problems into field errors", async () => {
    installFakeXhr([{ status: 422, body: { title: "Invalid", status: 422, errors: [{ field: "name", message: "Required" }] } }]);
    const err = (await upload("/api/personas", {}, new FormData()).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.fieldErrors).toEqual({ name: "Required" });
  });

  it("refreshes once on 401 and re-sends", async () => {
    tokenStore.setTokens({ access_token: "old", refresh_token: "ref", token_type: "Bearer", expires_in: 900 });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ access_token: "new", refresh_token: "ref2", token_type: "Bearer", expires_in: 900 }), { status: 200 })),
    );
    const sent = installFakeXhr([
      { status: 401, body: { title: "Expired" } },
      { status: 201, body: { version: "1.1.0" } },
    ]);
    await expect(upload("/api/personas/{persona_id}/versions", { persona_id: "p1" }, new FormData())).resolves.toEqual({ version: "1.1.0" });
    expect(sent).toHaveLength(2);
    expect(sent[1].headers.Authorization).toBe("Bearer new");
  });
});
