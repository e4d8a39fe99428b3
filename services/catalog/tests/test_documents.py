"""Word, PDF and OpenDocument persona files: accepted by content, their text in the preview and
over the internal files route (what generation reads); macro-enabled, encrypted, mislabelled and
unreadable ones refused with a 4xx problem+json and nothing stored."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
from pypdf import PdfReader, PdfWriter

from .test_uploads import assert_nothing_stored

DOCX_TEXT = "Voice: warm, dry and curious."


def make_docx(text: str = DOCX_TEXT) -> bytes:
    document = docx.Document()
    document.add_heading("Sample caption", level=1)
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Platform"
    table.rows[0].cells[1].text = "Instagram"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def with_macros(docx_bytes: bytes) -> bytes:
    """The same document as Word saves a macro-enabled one (content types + a VBA project)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml",
                    b"ms-word.document.macroEnabled.main+xml",
                )
            dst.writestr(item, data)
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


def make_pdf(text: str = "Hello from a PDF sample.") -> bytes:
    """A one-page PDF with a text layer (Helvetica), offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_odt(
    paragraphs: list[str],
    *,
    heading: bool = True,
    manifest: bytes = b"<manifest/>",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    if heading:
        body = '<text:h>Title<text:s text:c="2"/>here</text:h>' + body
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


async def test_documents_are_accepted_and_their_text_previewed_and_served(catalog) -> None:
    env = catalog
    env.app.state.service_token = "svc"
    creator = await env.user("writer")
    docx_bytes, pdf_bytes = make_docx(), make_pdf()
    odt_bytes = make_odt(["First line of the ODT.", "Second &amp; last."])
    persona = await env.create(
        creator,
        files=[
            ("prompt.docx", docx_bytes),
            ("samples/post.pdf", pdf_bytes),
            ("samples/notes.odt", odt_bytes),
            ("samples/readme.md", b"# Hi\n\n**bold**"),
            ("samples/data.json", b'{"a": 1}'),
        ],
    )
    pid = persona["id"]
    r = await env.http.get(f"/api/personas/{pid}/preview", headers=env.headers(creator))
    assert r.status_code == 200, r.text
    files = {f["path"]: f for f in r.json()["files"]}
    assert "Hello from a PDF sample." in files["samples/post.pdf"]["content"]
    assert files["samples/post.pdf"]["render_as"] == "text"
    assert files["samples/notes.odt"]["content"] == (
        "Title  here\nFirst line of the ODT.\nSecond & last."
    )
    assert files["samples/readme.md"]["render_as"] == "markdown"
    assert files["samples/data.json"]["render_as"] == "json"

    # generation's route: a document is listed and served as its extracted text
    ok = {"X-Service-Token": "svc"}
    listing = (await env.http.get(f"/internal/personas/{pid}/versions/latest", headers=ok)).json()
    prompt = next(f for f in listing["files"] if f["path"] == "prompt.docx")
    assert prompt["content_type"] == "text/plain"
    assert prompt["source"]["sha256"] == hashlib.sha256(docx_bytes).hexdigest()
    r = await env.http.get(
        f"/internal/personas/{pid}/versions/{listing['version']}/files/{prompt['sha256']}",
        headers=ok,
    )
    assert r.status_code == 200
    assert r.text == f"Sample caption\n{DOCX_TEXT}\nPlatform | Instagram"
    # the download still holds the original document
    await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(creator))
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(creator))
    assert env.unzip(r.content)["prompt.docx"] == docx_bytes


async def test_refused_documents_store_nothing(catalog) -> None:
    env = catalog
    creator = await env.user("refusee")
    docx_bytes = make_docx()
    cases = [
        ("prompt.docm", docx_bytes, 415, "macro_enabled_document"),
        ("prompt.docx", with_macros(docx_bytes), 415, "macro_enabled_document"),
        (
            "notes.odt",
            make_odt(["x"], extra={"Basic/Standard/Module1.xml": b"<m/>"}),
            415,
            "macro_enabled_document",
        ),
        ("post.pdf", encrypted_pdf(), 422, "encrypted_document"),
        # Word wraps a password-protected .docx in an OLE container
        (
            "prompt.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            422,
            "encrypted_document",
        ),
        ("notes.odt", make_odt(["x"], manifest=b"<encryption-data/>"), 422, "encrypted_document"),
        ("prompt.docx", b"just some text pretending", 415, "unsupported_file_type"),
        ("post.pdf", docx_bytes, 415, "unsupported_file_type"),  # a zip named .pdf
        ("prompt.docx", make_odt(["x"]), 415, "unsupported_file_type"),  # another zip
        ("post.pdf", b"%PDF-1.4 broken beyond repair", 422, "unreadable_document"),
        ("notes.odt", make_odt([], heading=False), 422, "document_has_no_text"),
        ("old.doc", b"\xd0\xcf\x11\xe0", 415, "unsupported_file_type"),
        # the per-file limit (64 KB in these tests) holds for documents too
        ("post.pdf", make_pdf() + b"%" * 70 * 1024, 413, "file_too_large"),
    ]
    for name, data, status, code in cases:
        r = await env.http.post(
            "/api/personas",
            headers=env.headers(creator),
            **env.multipart(env.fields(), [("readme.md", b"fine"), (name, data)]),
        )
        assert r.status_code == status, (name, code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == code, (name, r.json())
        assert name.split(".")[0] in r.json()["detail"] or "macros" in r.json()["detail"]
    await assert_nothing_stored(env)
