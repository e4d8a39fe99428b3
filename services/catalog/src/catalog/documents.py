"""Word, PDF and OpenDocument persona files: checked by content, their text extracted.

Creators write in Word or Google Docs, so `.docx`, `.pdf` and `.odt` are persona files like
`.md`. The file itself is kept (it is in the download), and its text is extracted once, at
upload, into a text blob of its own (`text_sha256`): that is what the preview shows and what
generation reads over the internal files route. Refused, with a message saying what to do:

* a file whose content is not what its name says (415 `unsupported_file_type`);
* macro-enabled Word (`.docm`, `.dotm`, or a `.docx` holding a VBA project) and an ODT with
  Basic or script macros (415 `macro_enabled_document`): macros are code, and buyers would run it;
* an encrypted or password-protected document (422 `encrypted_document`): its text cannot be
  read; a password-protected .docx is an encrypted OLE container, not a zip;
* a document we cannot open or that has no text layer, e.g. a scanned PDF (422
  `unreadable_document`, `document_has_no_text`);
* an archive that would unpack too large or into too many parts (422 `document_too_complex`),
  and a PDF of more than `MAX_PDF_PAGES` pages.

Parsers: python-docx (its lxml parser does not resolve entities), pypdf, and for ODT the
standard zipfile plus defusedxml (no DTDs, no entity expansion).
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

from shared.problems import Problem

from catalog.upload_problems import file_refused, unsupported

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCUMENT_TYPES = {".docx": DOCX, ".pdf": PDF, ".odt": ODT}
# Names refused with a reason rather than "not an allowed type".
MACRO_SUFFIXES = {".docm", ".dotm", ".xlsm", ".pptm", ".odm"}
LEGACY_SUFFIXES = {".doc": ".docx", ".rtf": ".docx", ".pages": ".pdf"}

MAX_ZIP_ENTRIES = 2000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all parts of a .docx / .odt together, unpacked
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 2_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, legacy .doc
_ZIP_MAGIC = b"PK\x03\x04"
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every quirk of a file


def macro_refused(name: str) -> Problem:
    return unsupported(
        f"'{name}' contains macros, which are not accepted (buyers would run them). Save it as"
        " a plain Word document (.docx) or PDF and upload that.",
        code="macro_enabled_document",
        title="Macro-enabled document",
    )


def _encrypted(name: str) -> Problem:
    return file_refused(
        f"'{name}' is password-protected or encrypted, so its text cannot be read. Remove the"
        " password (save an unprotected copy) and upload that.",
        "encrypted_document",
        name,
        "encrypted",
    )


def _not_a(name: str, kind: str) -> Problem:
    return unsupported(f"'{name}' is named as {kind} but its content is not {kind}.")


def _unreadable(name: str, why: str, code: str = "unreadable_document") -> Problem:
    return file_refused(f"'{name}' could not be read: {why}.", code, name, why)


def check_head(name: str, content_type: str, head: bytes) -> None:
    """Refuse as soon as the first bytes show the wrong kind of file."""
    if head.startswith(_OLE_MAGIC) and content_type in (DOCX, ODT):
        raise _encrypted(name)  # Office wraps an encrypted .docx in an OLE container
    expected = b"%PDF-" if content_type == PDF else _ZIP_MAGIC
    if len(head) >= len(expected) and not head.startswith(expected):
        raise _not_a(name, _KIND[content_type])


_KIND = {DOCX: "a Word document", PDF: "a PDF", ODT: "an OpenDocument text"}


def extract_text(name: str, content_type: str, path: Path) -> str:
    """The document's text (blocking: runs in the upload's parser thread), or a 4xx Problem."""
    with path.open("rb") as f:
        check_head(name, content_type, f.read(8))
    if content_type == PDF:
        text = _pdf_text(name, path)
    else:
        with _open_zip(name, content_type, path) as zf:
            text = _docx_text(name, zf, path) if content_type == DOCX else _odt_text(name, zf)
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if not text:
        raise _unreadable(
            name,
            "it holds no text we can read (a scan or only pictures?). Upload a file with"
            " selectable text",
            "document_has_no_text",
        )
    return text[:MAX_TEXT_CHARS]


def _open_zip(name: str, content_type: str, path: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_a(name, _KIND[content_type]) from exc
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        zf.close()
        raise _unreadable(name, "it unpacks too large", "document_too_complex")
    if any(i.flag_bits & 0x1 for i in infos):
        zf.close()
        raise _encrypted(name)
    return zf


def _docx_text(name: str, zf: zipfile.ZipFile, path: Path) -> str:
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _not_a(name, "a Word document")
    types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    if (
        "macroEnabled" in types
        or "vbaProject" in types
        or any(n.lower().endswith("vbaproject.bin") for n in names)
    ):
        raise macro_refused(name)
    if _DOCX_MAIN not in types:
        raise _not_a(name, "a Word document")  # a template, a spreadsheet, ...
    import docx  # python-docx, imported here: only uploads of documents need it
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(Paragraph(child, document).text)
            elif child.tag == qn("w:tbl"):
                for row in Table(child, document).rows:
                    lines.append(" | ".join(cell.text.strip() for cell in row.cells))
                lines.append("")
    except Exception as exc:  # a damaged part: python-docx raises whatever lxml raised
        raise _unreadable(name, "the Word document is damaged") from exc
    return "\n".join(lines)


def _pdf_text(name: str, path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            raise _encrypted(name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _unreadable(
                name, f"it has more than {MAX_PDF_PAGES} pages", "document_too_complex"
            )
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) > MAX_TEXT_CHARS:
                break
    except Problem:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise _unreadable(name, "the PDF is damaged") from exc
    return "\n\n".join(pages)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _odt_text(name: str, zf: zipfile.ZipFile) -> str:
    from defusedxml import ElementTree as SafeET

    names = set(zf.namelist())
    try:
        mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        mimetype = ""
    if mimetype != ODT or "content.xml" not in names:
        raise _not_a(name, "an OpenDocument text")
    manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise _encrypted(name)
    if any(_is_macro_part(n) for n in names):
        raise macro_refused(name)
    try:
        root = SafeET.fromstring(zf.read("content.xml"))
    except Exception as exc:  # ParseError, or defusedxml refusing a DTD or entity
        raise _unreadable(name, "the document is damaged") from exc
    body = root.find(f"{{{_ODF_OFFICE}}}body")
    lines: list[str] = []
    if body is not None:
        try:
            _odf_blocks(body, lines)
        except RecursionError as exc:
            raise _unreadable(name, "it nests too deep", "document_too_complex") from exc
    return "\n".join(lines)


_PARAS = (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")


def _odf_blocks(el: Any, lines: list[str]) -> None:
    """Each paragraph or heading becomes a line (tables, lists and sections are walked into);
    what nests inside a paragraph (a note, a frame) is part of that paragraph's line."""
    for child in el:
        if child.tag in _PARAS:
            lines.append(_odf_inline(child))
        else:
            _odf_blocks(child, lines)


def _is_macro_part(part: str) -> bool:
    # LibreOffice keeps Basic modules as Basic/<library>/<module>.xml (the library index files
    # script-lc.xml / script-lb.xml alone hold no code) and other scripts under Scripts/.
    lower = part.lower()
    if lower.startswith("scripts/") and not lower.endswith("/"):
        return True
    if lower.startswith("basic/"):
        leaf = lower.rsplit("/", 1)[-1]
        return bool(leaf) and leaf not in ("script-lc.xml", "script-lb.xml", "dialog-lc.xml")
    return False


def _odf_inline(el: Any) -> str:
    out: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == f"{{{_ODF_TEXT}}}s":
            count = child.get(f"{{{_ODF_TEXT}}}c", "1")
            out.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag == f"{{{_ODF_TEXT}}}tab":
            out.append("\t")
        elif tag == f"{{{_ODF_TEXT}}}line-break":
            out.append("\n")
        else:
            out.append(_odf_inline(child))
        out.append(child.tail or "")
    return "".join(out)
