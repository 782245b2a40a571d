"""What evidence files are accepted: PDF, Word (DOCX), Excel (XLSX), PNG and JPEG, up to a size
limit, recognised by their **content**, not their name.

- PDF, PNG and JPEG by their first bytes ("%PDF-", the PNG signature, the JPEG SOI marker),
  then by **parsing** them: a PDF must open in pypdf and have a page; an image must open in
  Pillow as that format and pass `verify()`. A file that only starts like one (a PDF header or
  PNG signature followed by a web page) is refused.
- DOCX and XLSX are ZIP files (Office Open XML): the ZIP must open, its `[Content_Types].xml`
  must parse and declare the Word document or Excel workbook main part, which must be in the
  archive. A document with macros is refused: a macro-enabled main part (.docm, .xlsm renamed),
  any macro-enabled or VBA content type, or a `vbaProject.bin` part anywhere in the package.
- The file's extension must agree with what its content is: an executable renamed
  `report.pdf` starts with "MZ", not "%PDF-", and is refused; a PNG called `report.pdf` is
  refused too, because it would download under a misleading name.

`inspect_upload(file)` reads the file once (in chunks), computing the SHA-256 on the way, and
returns what is stored with it; a refusal is a `ValidationError` whose message says what to do.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy

#: Default upload limit per file; `S55_EVIDENCE_MAX_BYTES` in settings changes it.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: A [Content_Types].xml larger than this is not a real Office document.
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Content type -> (what people call it, the extensions it may have).
TYPES = {
    PDF: ("PDF", (".pdf",)),
    DOCX: ("Word document (DOCX)", (".docx",)),
    XLSX: ("Excel spreadsheet (XLSX)", (".xlsx",)),
    PNG: ("PNG image", (".png",)),
    JPEG: ("JPEG image", (".jpg", ".jpeg")),
}
ALLOWED_EXTENSIONS = tuple(ext for _, exts in TYPES.values() for ext in exts)
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_EXTENSIONS)
ALLOWED_TEXT = gettext_lazy("PDF, DOCX, XLSX, PNG or JPEG")

#: Office Open XML main parts: the declared content type and the part it names.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_OOXML_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


def max_bytes() -> int:
    return int(getattr(settings, "S55_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    content_type: str
    size: int
    sha256: str


def _clean_name(name: str) -> str:
    """The file's own name, without any folders a browser sent, and never empty."""
    base = PurePath(str(name).replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base[:255] or "evidence"


#: Content types that carry macros (VBA projects, macro-enabled main parts).
_MACRO_CONTENT_TYPE_MARKERS = ("macroenabled", "vbaproject", "vbadata")
#: Unpacked size above which a ZIP is refused rather than inspected (a "zip bomb").
_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _declared_content_types(xml: bytes) -> dict[str, str]:
    """{part name or "*.ext": content type} from a package's [Content_Types].xml."""
    # Python's expat refuses entity expansion attacks (billion laughs) since 3.7.1 / expat 2.4.
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml)  # noqa: S314 - bounded size, expat guards entities
    declared = {}
    for element in root:
        if element.tag == f"{_CONTENT_TYPES_NS}Override":
            declared[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
        elif element.tag == f"{_CONTENT_TYPES_NS}Default":
            declared["*." + element.get("Extension", "").lower()] = element.get("ContentType", "")
    return declared


def _sniff_ooxml(file) -> str | None:
    """DOCX or XLSX if the ZIP is a Word document or an Excel workbook without macros, else
    None."""
    from xml.etree.ElementTree import ParseError

    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > _MAX_UNPACKED_BYTES:
                return None
            names = {info.filename for info in infos}
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:
                return None
            declared = _declared_content_types(archive.read(info))
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError, ParseError):
        return None
    if any(PurePath(name).name.lower() == "vbaproject.bin" for name in names) or any(
        marker in content_type.lower()
        for content_type in declared.values()
        for marker in _MACRO_CONTENT_TYPE_MARKERS
    ):
        return None
    for content_type, main in _OOXML_MAIN.items():
        part = _OOXML_PART[content_type]
        if declared.get(part) == main and part in names:
            return content_type
    return None


def _is_pdf(file) -> bool:
    """Does the file parse as a PDF with at least one page?"""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    file.seek(0)
    try:
        return len(PdfReader(file).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        return False


def _is_image(file, image_format: str) -> bool:
    """Does the file open in Pillow as `image_format` and pass `verify()` (PNG chunk checksums,
    JPEG structure)? Images too big to decode safely are refused too."""
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    try:
        with Image.open(file, formats=[image_format]) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return False
    return True


def sniff(file, head: bytes) -> str | None:
    """The content type the file's content shows, among those accepted; None otherwise."""
    if head.startswith(b"%PDF-"):
        return PDF if _is_pdf(file) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if _is_image(file, "PNG") else None
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG if _is_image(file, "JPEG") else None
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(file)
    return None


def inspect_upload(upload) -> CheckedFile:
    """Check an uploaded file and return what is stored with it, or raise ValidationError."""
    name = _clean_name(getattr(upload, "name", "") or "")
    extension = PurePath(name).suffix.lower()
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            gettext(
                "%(name)s is %(filesizeformat)s: the largest file you can upload is %(filesizeformat2)s."
            )
            % {
                "name": name,
                "filesizeformat": filesizeformat(size),
                "filesizeformat2": filesizeformat(limit),
            },
            code="too_big",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            gettext("%(name)s is not a file type you can upload: it must be a %(ALLOWED_TEXT)s.")
            % {"name": name, "ALLOWED_TEXT": ALLOWED_TEXT},
            code="type",
        )
    digest = hashlib.sha256()
    head = b""
    total = 0
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                gettext(
                    "%(name)s is larger than %(filesizeformat)s, the largest file you can upload."
                )
                % {"name": name, "filesizeformat": filesizeformat(limit)},
                code="too_big",
            )
        digest.update(chunk)
    if total == 0:
        raise ValidationError(
            gettext("%(name)s is empty: choose the file again.") % {"name": name}, code="empty"
        )
    content_type = sniff(upload, head)
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            gettext(
                "%(name)s is not a real %(ALLOWED_TEXT)s file: its content does not match its name. Save it again in one of those formats and upload it."
            )
            % {"name": name, "ALLOWED_TEXT": ALLOWED_TEXT},
            code="content",
        )
    label, extensions = TYPES[content_type]
    if extension not in extensions:
        raise ValidationError(
            gettext(
                "%(name)s is called a %(extension)s file but its content is a %(label)s. Rename it to end in %(value)s and upload it again."
            )
            % {"name": name, "extension": extension, "label": label, "value": extensions[0]},
            code="mismatch",
        )
    return CheckedFile(
        original_name=name, content_type=content_type, size=total, sha256=digest.hexdigest()
    )
