"""The Norfolk demo response as a PDF: the reference form's sections in order, names and dates
from data, an accessible (PDF/UA-1) structure, and the first page kept as a PNG to look at.

The demo is built once for the module inside one transaction that is rolled back at the end
(building it and rendering take a few seconds); each test runs in a savepoint inside it.
"""

import html
import io
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from django.db import transaction
from django.test import override_settings
from pdfminer.pdfdevice import TagExtractor
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from PIL import Image
from pypdf import PdfReader

from responses.demo import build_demo
from responses.demo import norfolk_cdi_2019 as norfolk
from responses.models import Response, ResponseVersion
from responses.pdf import (
    document_for_preview,
    render_document_html,
    render_pdf,
    safe_fetcher,
    sha256,
    version_freeze,
)
from tests.conftest import REPO_ROOT, require

pytestmark = pytest.mark.django_db

ARTEFACTS = REPO_ROOT / "test-artefacts" / "pdf"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- helpers (also used by the other test_pdf_* modules) -------------------------------------


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages_text(data))


def assert_in_order(text: str, needles: list[str]) -> None:
    """Each needle occurs in `text` after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found != -1, (
            f"{needle!r} is missing after position {position}; the text there reads: "
            f"{text[position : position + 300]!r}"
        )
        position = found + len(needle)


def structure_types(data: bytes) -> list[str]:
    """The structure element types (/S) of the tag tree, depth first, in document order."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        seen = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.objgen != (0, 0):
                    if node.objgen in seen:
                        continue
                    seen.add(node.objgen)
                if "/S" in node and node.get("/Type") in (None, pikepdf.Name.StructElem):
                    found.append(str(node.S)[1:])
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(reversed(list(kids)))
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
    return found


class _MarkedText(TagExtractor):
    """Collects the text of each marked-content sequence: {(page index, MCID): text}."""

    def __init__(self, manager):
        super().__init__(manager, io.BytesIO())
        self.texts = defaultdict(str)
        self._open = []  # the MCID of each marked-content sequence open here, or None

    def begin_page(self, page, ctm):
        pass

    def end_page(self, page):
        self.pageno += 1

    def begin_tag(self, tag, props=None):
        self._open.append(props.get("MCID") if isinstance(props, dict) else None)

    def end_tag(self):
        self._open.pop()

    def do_tag(self, tag, props=None):
        pass

    def _write(self, s):  # only the text of a string drawn reaches here
        mcid = next((m for m in reversed(self._open) if m is not None), None)
        if mcid is not None:
            self.texts[self.pageno, mcid] += html.unescape(s)


def _marked_text(data: bytes) -> dict[tuple[int, int], str]:
    manager = PDFResourceManager()
    device = _MarkedText(manager)
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(io.BytesIO(data)):
        interpreter.process_page(page)
    return device.texts


def language_of_structure(data: bytes) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """What the tag tree says about language, as a screen reader reading the PDF finds it:

    - each structure element with a /Lang of its own, in document order, as (type, /Lang,
      the text it holds);
    - all the text of the tree by the language it is in (the nearest /Lang up the structure
      tree, else the catalogue's): {language: text}.

    The marked-content sequences of an element are joined with spaces, whitespace collapsed."""
    texts = _marked_text(data)
    own, by_language = [], defaultdict(list)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_index = {page.objgen: index for index, page in enumerate(pdf.pages)}

        def walk(node, language) -> list[str]:
            language = str(node.Lang) if "/Lang" in node else language
            has_own = "/Lang" in node and node.get("/Type") == pikepdf.Name.StructElem
            if has_own:
                position = len(own)
                own.append(None)
            held = []
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, int):
                    text = texts.get((page_index[node.Pg.objgen], kid), "")
                    by_language[language].append(text)
                    held.append(text)
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    held += walk(kid, language)
            if has_own:
                own[position] = (str(node.S)[1:], language, " ".join(" ".join(held).split()))
            return held

        for kid in pdf.Root.StructTreeRoot.K:
            walk(kid, str(pdf.Root.Lang))
    return own, {lang: " ".join(" ".join(t).split()) for lang, t in by_language.items()}


def figures_alt_text(data: bytes) -> list[str]:
    alts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name.Figure:
                alts.append(str(obj.get("/Alt", "")))
    return alts


def first_page_png(data: bytes, name: str) -> Path:
    """Render page 1 with poppler's pdftoppm into test-artefacts/pdf/ (git-ignored)."""
    pdftoppm = shutil.which("pdftoppm")
    require(pdftoppm is not None, "pdftoppm not found: install poppler-utils")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTEFACTS / f"{name}.pdf"
    source.write_bytes(data)
    command = [pdftoppm, "-png", "-r", "80", "-singlefile", "-f", "1", "-l", "1"]
    subprocess.run([*command, str(source), str(ARTEFACTS / name)], check=True, timeout=60)  # noqa: S603
    return ARTEFACTS / f"{name}.png"


# --- the Norfolk demo, built once ------------------------------------------------------------


@dataclass
class Norfolk:
    response: Response
    version: ResponseVersion
    version_pdf: bytes
    preview_pdf: bytes
    preview_fetched: list[str]
    preview_refused: list[str]
    logo_alt: str
    #: The extracted text of each page, read once (pypdf takes a while on a loaded machine).
    version_pages: list[str]
    preview_pages: list[str]

    @property
    def version_text(self) -> str:
        return " ".join(self.version_pages)

    @property
    def preview_text(self) -> str:
        return " ".join(self.preview_pages)


def _png_logo() -> bytes:
    image = Image.new("RGB", (360, 90), "#ffffff")
    for x in range(360):
        for y in range(20, 70):
            if (x // 30) % 2 == 0:
                image.putpixel((x, y), (0, 48, 135))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def norfolk_pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        # No logo yet: the office admin uploads one after publication, below.
        build_demo(password="demo-password-123", logo=False)
        response = Response.objects.select_related("policing_body__force", "report").get(
            report__title=norfolk.TITLE
        )
        # Publication's hooks run on commit, which never comes here: freeze explicitly.
        version = version_freeze(version_id=response.versions.get(number=1).pk)

        # The office admin uploads a logo after publication: the preview shows it, version 1
        # (frozen as published) does not.
        body = response.policing_body
        logo = media / "logos" / "norfolk-opcc.png"
        logo.parent.mkdir(parents=True)
        logo.write_bytes(_png_logo())
        body.logo.name = "logos/norfolk-opcc.png"
        body.logo_alt_text = "Norfolk Police and Crime Commissioner logo"
        body.save()

        fetcher = safe_fetcher()
        preview = render_pdf(render_document_html(document_for_preview(response)), fetcher=fetcher)
        yield Norfolk(
            response=response,
            version=version,
            version_pdf=bytes(version.pdf),
            preview_pdf=preview,
            preview_fetched=fetcher.fetched,
            preview_refused=fetcher.refused,
            logo_alt=body.logo_alt_text,
            version_pages=pdf_pages_text(bytes(version.pdf)),
            preview_pages=pdf_pages_text(preview),
        )
        transaction.set_rollback(True)


# --- content: the reference form, in its order ------------------------------------------------


def test_published_pdf_has_every_section_of_the_reference_in_order(norfolk_pdfs):
    text = norfolk_pdfs.version_text

    assert_in_order(
        text,
        [
            # The heading naming the office and the force, then the statutory sentence.
            "Norfolk Police and Crime Commissioner response to inspections of Norfolk "
            "Constabulary published by Her Majesty's Inspectorate of Constabulary and Fire & "
            "Rescue Services (HMICFRS)",
            "Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and "
            "Crime Act 2017) requires the local policing body to publish its comments on every "
            "inspection report on its force, whether or not the report makes recommendations",
            "before the end of the period of 56 days beginning with the day",
            # The table: title, date published, type of inspection.
            "Inspection title",
            norfolk.TITLE,
            "Date published",
            "Type of inspection",
            "Thematic",
            "Key findings",
            "Since the 2014 inspection, Norfolk Constabulary has made a concerted effort",
            "These are welcome developments.",
            "Cause for concern",
            "Norfolk Constabulary is failing to make sure it correctly records all violent crimes",
            "Recommendations",
            "Recommendation 1",
            "take steps to identify and address gaps in its systems",
            "Police and Crime Commissioner's explanation: action proposed",
            "I will ask the Chief Constable to set out, at the Police Accountability Forum",
            "Chief Constable's comment",
            "The force accepts this recommendation",
            "Recommendation 2",
            "Recommendation 3",
            "make sure that it adequately supervises all crime recording decisions",
            "Areas for improvement",
            "reviews its backlog of crime records waiting for validation",
            "Police and Crime Commissioner's response",
            "I will ask for an update on the validation backlog",
            "improves how it collects diversity information from crime victims",
            "Chief Constable's response to the report and any recommendations",
            "Paul Sanford, Deputy Chief Constable of Norfolk Constabulary",
            "The report is clear that the whole constabulary is committed to recording crime",
            "Police and Crime Commissioner's response to the report and any recommendations",
            "I have noted with concern the findings of HMICFRS",
            "closely monitoring progress over the coming months",
            "Reply to the Chief Constable's comments",
            "I welcome the Constabulary's acceptance of the recommendations",
            # The signature block.
            "Signed: Lorne Green",
            "Police and Crime Commissioner for Norfolk",
            "Date: 24 January 2020",
            "For Office Use Only",
            # Frozen: only what stood at publication (tests/responses/test_copies_per_version.py)
            "As recorded when this version was published on 24 January 2020",
            "Response published on the website",
        ],
    )


def test_published_pdf_names_the_office_and_force_from_their_records(norfolk_pdfs):
    body = norfolk_pdfs.response.policing_body
    pages = norfolk_pdfs.version_pages

    assert f"{body.name} response to inspections of {body.force.name}" in pages[0]
    assert body.office_name in pages[0]  # the masthead, as no logo had been uploaded yet
    # The running header names the office on every later page (margins are extracted last).
    assert len(pages) > 1
    for number, page in enumerate(pages[1:], start=2):
        assert page.endswith(f"{body.office_name} Page {number} of {len(pages)}")


def test_published_pdf_gives_the_report_due_and_publication_dates(norfolk_pdfs):
    response = norfolk_pdfs.response
    text = norfolk_pdfs.version_text

    assert response.report.published_on == date(2020, 1, 7)
    assert response.due_date == date(2020, 3, 2)
    assert_in_order(
        text,
        [
            "Date published 7 January 2020",
            "Due by (end of the 56 days) 2 March 2020",
            "Response published 24 January 2020 (within the 56 days)",
        ],
    )


def test_every_page_is_numbered_page_x_of_y(norfolk_pdfs):
    pages = norfolk_pdfs.version_pages

    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"Page {number} of {len(pages)}")


def test_published_pdf_carries_no_draft_mark(norfolk_pdfs):
    assert "DRAFT" not in norfolk_pdfs.version_text
    assert "DRAFT" not in norfolk_pdfs.preview_text


def test_version_keeps_the_checklist_as_it_stood_at_publication(norfolk_pdfs):
    # The demo records the copies after publishing: they are not in version 1's file, while
    # the staff preview shows each copy with its date.
    frozen = norfolk_pdfs.version_text
    preview = norfolk_pdfs.preview_text

    assert_in_order(
        frozen,
        [
            "As recorded when this version was published on 24 January 2020",
            "Response published on the website Yes 24 January 2020",
            "Copies sent after publication",
        ],
    )
    assert "Response forwarded to HMICFRS" not in frozen
    assert "Not recorded" not in frozen
    assert_in_order(
        preview,
        [
            "Response forwarded to HMICFRS Section 55 responses Yes 24 January 2020",
            "Response sent to the Home Secretary Yes 24 January 2020",
            "Response forwarded to the Chief Constable Yes 24 January 2020",
            "Response forwarded to the Norfolk Police and Crime Panel Yes 27 January 2020",
            "Response published on the website Yes 24 January 2020",
        ],
    )


# --- accessibility: PDF/UA-1 ------------------------------------------------------------------


def test_pdf_is_tagged_marked_en_gb_and_titled(norfolk_pdfs):
    body = norfolk_pdfs.response.policing_body
    with pikepdf.open(io.BytesIO(norfolk_pdfs.version_pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        title = f"{body.name} response to {norfolk.TITLE}"
        assert str(pdf.docinfo.Title) == title
        assert str(pdf.docinfo.Author) == body.office_name
        assert "section 55 of the Police Act 1996" in str(pdf.docinfo.Subject)
        assert str(pdf.docinfo.CreationDate).startswith("D:20200124")  # the publication date
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == title
            assert xmp["pdfuaid:part"] == "1"


def test_an_english_document_is_in_english_throughout_with_no_lang_of_its_own(norfolk_pdfs):
    for data in (norfolk_pdfs.version_pdf, norfolk_pdfs.preview_pdf):
        own, by_language = language_of_structure(data)
        assert own == []
        assert set(by_language) == {"en-GB"}
        assert "Key findings" in by_language["en-GB"]


def test_headings_and_table_header_cells_are_tagged(norfolk_pdfs):
    types = structure_types(norfolk_pdfs.version_pdf)

    assert types.count("H1") == 1
    # Key findings, cause, recommendations, AFIs, the two responses, the checklist.
    assert types.count("H2") == 7
    assert types.count("H3") >= 3 + 6  # each recommendation and area for improvement
    assert "H4" in types
    assert types.index("H1") < types.index("H2") < types.index("H3") < types.index("H4")
    assert types.count("Table") == 3
    assert types.count("TH") == 3 + 2 + 3  # row headers of two tables, column headers of one
    assert "TD" in types


def test_fonts_are_liberation_sans_and_embedded(norfolk_pdfs):
    with pikepdf.open(io.BytesIO(norfolk_pdfs.version_pdf)) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                fonts[str(font.BaseFont)] = "/FontFile2" in descriptor
    assert fonts, "no fonts found"
    assert all("Liberation-Sans" in name for name in fonts), fonts
    assert all(fonts.values()), f"not embedded: {fonts}"


def test_logo_is_a_tagged_figure_with_its_alt_text(norfolk_pdfs):
    assert figures_alt_text(norfolk_pdfs.preview_pdf) == [norfolk_pdfs.logo_alt]
    # Version 1 was frozen before the logo was uploaded: the office's name stands in for it.
    assert figures_alt_text(norfolk_pdfs.version_pdf) == []


def test_the_preview_loaded_only_its_own_assets(norfolk_pdfs):
    assert norfolk_pdfs.preview_refused == []
    assert "https://pdf-assets.invalid/media/logos/norfolk-opcc.png" in norfolk_pdfs.preview_fetched
    assert all(
        url.startswith("https://pdf-assets.invalid/") for url in norfolk_pdfs.preview_fetched
    )


# --- the frozen files --------------------------------------------------------------------------


def test_version_stores_the_pdf_and_snapshot_with_their_hashes(norfolk_pdfs):
    version = ResponseVersion.objects.get(pk=norfolk_pdfs.version.pk)

    assert bytes(version.pdf).startswith(b"%PDF-1.7")
    assert version.pdf_sha256 == sha256(bytes(version.pdf))
    assert version.html_sha256 == sha256(version.html_snapshot)


def test_snapshot_and_pdf_come_from_the_same_template(norfolk_pdfs):
    snapshot = norfolk_pdfs.version.html_snapshot
    headings = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip().replace("&#x27;", "'")
        for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", snapshot, flags=re.S)
    ]

    assert len(headings) > 20
    assert_in_order(norfolk_pdfs.version_text, [h.replace("&amp;", "&") for h in headings])
    # The snapshot is the document's body only: nothing in it loads anything.
    assert "<img" not in snapshot and "<link" not in snapshot and "url(" not in snapshot


# --- the first page as a PNG, for a person to look at -------------------------------------------


def test_first_page_is_kept_as_a_png_artefact(norfolk_pdfs):
    for name, data in (
        ("norfolk-cdi-2019-version-1", norfolk_pdfs.version_pdf),
        ("norfolk-cdi-2019-preview-with-logo", norfolk_pdfs.preview_pdf),
    ):
        png = first_page_png(data, name)

        with Image.open(png) as image:
            width, height = image.size
            assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
        # Text and rules cover a real share of the page: it is not blank.
        assert dark > width * height * 0.01
