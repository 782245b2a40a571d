"""The Section 55 response as a PDF in the office's own template, frozen at publication.

Police Act 1996 s55(5) and (5A): the local policing body publishes its comments, the chief
officer's comments and its response to them within 56 days. Offices publish a PDF in their own
template (the reference is Norfolk's CDI 2019 response); public-sector accessibility rules
(the Public Sector Bodies Accessibility Regulations 2018) apply to it, and a published
statutory document must never change silently. So:

- **Rendering** (`render_pdf`): WeasyPrint's `pdf/ua-1` variant (tagged structure, the
  document's /Lang and each passage's in another language (`responses.pdf_lang`), title,
  author and subject in the metadata), the print stylesheet `static/pdf/print.css` and
  Liberation Sans 2 (Arial's metrics, SIL Open Font License) embedded from the copy shipped in
  `static/pdf/fonts/`, never from the machine's fonts, so every machine lays it out the same. `templates/pdf/response.html` is the printed
  document; it includes `templates/pdf/response_body.html`, which is also the HTML snapshot
  the public page shows, so the PDF and the page cannot drift apart.
- **The safe fetcher** (`SafeFetcher`): a render may load the print stylesheet, the fonts and
  files under MEDIA_ROOT (the office's logo), all addressed under `ASSET_ORIGIN`, a host that
  cannot exist (RFC 2606 `.invalid`). Every other URL (another host or scheme, `data:`, `file:`,
  a path outside those folders, a URL back into this application) is refused, so nothing an
  office or a user types can make the renderer reach the network or the app.
- **Freezing** (`version_freeze`): each published `ResponseVersion` stores the PDF bytes and the
  HTML snapshot with their SHA-256, rendered once from the data *as it stood when that version
  was published* (django-simple-history), under a row lock so they are stored once and never
  recomputed. Later edits, an amendment in progress or comments recorded after publication
  never reach an earlier version's file. See docs/decisions/0003-pdf-rendering.md.
"""

import copy
import hashlib
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Force, PolicingBody
from core.dates import long_date
from core.queue import enqueue_task
from inspections.inspectorate import inspectorate_on
from inspections.models import Finding, Report

from . import bilingual, deadlines, pdf_lang, redaction, statute
from .models import Explanation, Response, ResponseVersion, Status

logger = logging.getLogger(__name__)

#: The task that renders a published version's PDF (responses/tasks.py), named so this module
#: need not import it (the task calls this module).
FREEZE_PDF_TASK = "responses.tasks.freeze_version_pdf"

#: Every resource a render may load is addressed under this origin. `.invalid` can never
#: resolve (RFC 2606), so even a fetcher bug could not turn it into a network request.
ASSET_ORIGIN = "https://pdf-assets.invalid"
BASE_URL = ASSET_ORIGIN + "/"

#: The print stylesheet and other print assets (committed, served only to the renderer).
PRINT_ASSETS_DIR = Path(settings.BASE_DIR) / "static" / "pdf"

#: Liberation Sans 2.1.5 has Arial's metrics (the service's font). The files are part of the
#: project, beside their licence (OFL.txt), and loaded by path: a machine without them installed
#: (a fresh clone, CI, the container) renders the same pages as production.
FONT_DIR = PRINT_ASSETS_DIR / "fonts"
FONT_FILES = {
    # file name: (font-weight, font-style)
    "LiberationSans-Regular.ttf": ("normal", "normal"),
    "LiberationSans-Bold.ttf": ("bold", "normal"),
    "LiberationSans-Italic.ttf": ("normal", "italic"),
    "LiberationSans-BoldItalic.ttf": ("bold", "italic"),
}

#: What the fetcher will hand to the renderer, by extension.
_ASSET_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
#: The only media folder a render may read: where office admins' logos are uploaded
#: (`PolicingBody.logo`), never other uploads such as evidence files.
LOGO_FOLDER = PolicingBody._meta.get_field("logo").upload_to.strip("/")
_MAX_ASSET_BYTES = 5 * 1024 * 1024
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_ACCENT = "#1d70b8"

#: What a draft preview may say and a published version never does (docs/law.md): each names
#: something still to come, which a frozen statutory document cannot (tests/responses/
#: test_placeholders.py checks every published version against this list).
DRAFT_ONLY_PHRASES = (
    "DRAFT - not published",
    "Not yet signed",
    "Not yet published",
    "Not written yet",
    "No explanation yet",
    "have been received from the",  # "No comments have been received from the ... yet"
    "Not yet",
)


def safe_accent(colour: str | None) -> str:
    """An office's accent colour as a plain #rrggbb (it is interpolated into CSS), whatever is
    stored; the default blue otherwise."""
    colour = (colour or "").strip()
    return colour if _HEX_COLOUR.fullmatch(colour) else DEFAULT_ACCENT


class PdfError(Exception):
    """The PDF could not be rendered; the message says what to fix."""


class FetchRefused(ValueError):
    """The renderer asked for a URL outside the print assets and media files."""


# --- The safe URL fetcher ----------------------------------------------------------------


def _weasyprint():
    # Imported on first use: WeasyPrint loads Pango through cffi, which costs ~0.3 s, and most
    # processes (web pages, the test suite) never render a PDF.
    import weasyprint
    from weasyprint.pdf import tags

    pdf_lang.install(tags)
    return weasyprint


def asset_url(kind: str, name: str) -> str:
    """The URL under which the fetcher serves a print asset ("pdf"), a font ("fonts") or a
    media file ("media")."""
    return f"{ASSET_ORIGIN}/{kind}/{quote(name, safe='/')}"


def _inside(root: Path, relative: str) -> Path | None:
    """`root / relative` if that names a regular file inside `root` (no `..`, no symlink out)."""
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    root = root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def resolve_asset(url: str) -> Path:
    """The local file a renderer URL stands for, or FetchRefused.

    Allowed: `ASSET_ORIGIN/pdf/<stylesheet or image>` (static/pdf/), `ASSET_ORIGIN/fonts/<a
    Liberation Sans file>` (static/pdf/fonts/) and `ASSET_ORIGIN/media/logos/<image>` (the office logos under
    MEDIA_ROOT). No `..` or symlink out of those folders, nothing over 5 MB. Nothing else.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise FetchRefused(f"not a URL: {url[:200]!r}") from error
    if f"{parts.scheme}://{parts.netloc}".lower() != ASSET_ORIGIN or parts.query:
        raise FetchRefused(f"only the PDF's own assets may be loaded, not {url[:200]!r}")
    kind, _, relative = unquote(parts.path).lstrip("/").partition("/")
    suffix = Path(relative).suffix.lower()
    if kind == "pdf" and suffix in (".css", *_IMAGE_TYPES):
        path = _inside(PRINT_ASSETS_DIR, relative)
    elif kind == "fonts" and relative in FONT_FILES:
        path = _inside(FONT_DIR, relative)
    elif kind == "media" and suffix in _IMAGE_TYPES and relative.startswith(f"{LOGO_FOLDER}/"):
        path = _inside(Path(settings.MEDIA_ROOT) / LOGO_FOLDER, relative[len(LOGO_FOLDER) + 1 :])
    else:
        path = None
    if path is None:
        raise FetchRefused(f"no such PDF asset: {url[:200]!r}")
    if path.stat().st_size > _MAX_ASSET_BYTES:
        raise FetchRefused(f"{url[:200]!r} is larger than {_MAX_ASSET_BYTES // 1024 // 1024} MB")
    return path


def _make_fetcher_class():
    weasyprint_urls = _weasyprint().urls

    class SafeFetcher(weasyprint_urls.URLFetcher):
        """WeasyPrint's fetcher, restricted to `resolve_asset`. It never opens a socket.

        Refused URLs are recorded in `refused` (and logged); WeasyPrint then leaves the resource
        out, so a hostile logo or text cannot stop the document from rendering either.
        """

        def __init__(self):
            super().__init__(allowed_protocols={"https"}, allow_redirects=False)
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                path = resolve_asset(url)
            except FetchRefused as refusal:
                self.refused.append(url)
                logger.warning("PDF renderer refused a URL: %s", refusal)
                raise
            self.fetched.append(url)
            return weasyprint_urls.URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": _ASSET_TYPES[path.suffix.lower()]},
            )

    return SafeFetcher


_fetcher_class = None
_fetcher_lock = threading.Lock()


def safe_fetcher():
    """A new `SafeFetcher` (one per render: it records what the render asked for)."""
    global _fetcher_class
    with _fetcher_lock:
        if _fetcher_class is None:
            _fetcher_class = _make_fetcher_class()
    return _fetcher_class()


# --- What the document says ----------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A text as a document in one language prints it: the text in the document's language,
    or, where the office recorded why it is published in one language only (or nothing else
    exists), the other language's text marked with its `lang`, with a note saying so. Never
    another language silently."""

    text: str
    lang: str = ""
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def lang_attr(self) -> str:
        return format_html(' lang="{}"', self.lang) if self.lang else ""


def shown(language: str, english: str, welsh: str, *, reason: str = "") -> Shown:
    """`english` or `welsh` as the document in `language` ("en" or "cy") prints it."""
    texts = {bilingual.ENGLISH: (english or "").strip(), bilingual.WELSH: (welsh or "").strip()}
    if texts[language]:
        return Shown(texts[language])
    other = bilingual.other(language)
    if not texts[other]:
        return Shown("")
    note = ""
    if reason:
        # The document's own language names the other one ("Saesneg" / "Welsh").
        name = bilingual.LANGUAGE_NAMES[other][2 if language == bilingual.WELSH else 1]
        note = _("Published in %(language)s only: %(reason)s") % {
            "language": name,
            "reason": reason,
        }
    return Shown(texts[other], bilingual.html_tag(other), note)


#: An explanation's kind as a document prints it, in the document's language.
KIND_LABELS = {
    Explanation.Kind.ACTION_TAKEN: gettext_noop("Action taken"),
    Explanation.Kind.ACTION_PROPOSED: gettext_noop("Action proposed"),
    Explanation.Kind.NO_ACTION: gettext_noop("No action"),
}


@dataclass(frozen=True)
class Item:
    """A recommendation or an area for improvement (numbered in report order), with the
    office's explanation or response if any."""

    number: int
    finding: Finding
    explanation: Explanation | None
    #: The force's comment is printed only once the force's comments reached the office.
    show_force_comment: bool = True
    #: Who the recommendation is addressed to, named for the body responding.
    addressee_labels: tuple[str, ...] = ()
    #: The language of the document printing it, and the office's one-language reasons.
    language: str = bilingual.ENGLISH
    reasons: dict = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The report's own reference when it has one other than the plain number."""
        reference = self.finding.reference.strip()
        plain = {f"R{self.number}", f"AFI {self.number}", f"AFI{self.number}", str(self.number)}
        return "" if reference in plain else reference

    @property
    def answered_by_reference(self) -> bool:
        return bool(self.explanation and self.explanation.refers_to_id)

    @property
    def referenced_explanation(self):
        """For an answer by reference: the explanation it refers to (of the body's response to
        a linked recommendation), else None."""
        return self.explanation.refers_to if self.answered_by_reference else None

    @property
    def reference_url(self) -> str:
        """The public page of the response an answer by reference points at."""
        target = self.referenced_explanation
        if target is None:
            return ""
        return reverse("public:response", kwargs={"pk": target.response_id}) + (
            f"#recommendation-{target.finding_id}"
        )

    @property
    def explanation_kind(self) -> str:
        """The kind of action explained; for an answer by reference, the referenced one's (the
        same action answers both recommendations)."""
        if self.answered_by_reference:
            return self.referenced_explanation.kind
        return self.explanation.kind if self.explanation else ""

    @property
    def explanation_text(self) -> str:
        if self.answered_by_reference:
            return self.explanation.reference_sentence
        return self.explanation.text.strip() if self.explanation else ""

    @property
    def force_comment(self) -> str:
        if not (self.explanation and self.show_force_comment):
            return ""
        return self.explanation.force_comment.strip()

    @property
    def explanation_text_cy(self) -> str:
        if self.answered_by_reference:
            # The sentence in Welsh: the public copy, the CSV and the API carry it as the
            # Welsh explanation of a bilingual body (the Welsh document prints its own).
            return self.explanation.reference_sentence_in(bilingual.WELSH)
        return self.explanation.text_cy.strip() if self.explanation else ""

    @property
    def force_comment_cy(self) -> str:
        if not (self.explanation and self.show_force_comment):
            return ""
        return self.explanation.force_comment_cy.strip()

    @property
    def explanation_shown(self) -> Shown:
        return shown(
            self.language,
            self.explanation_text,
            self.explanation_text_cy,
            reason=self.reasons.get(f"explanation:{self.finding.pk}", ""),
        )

    @property
    def force_comment_shown(self) -> Shown:
        return shown(
            self.language,
            self.force_comment,
            self.force_comment_cy,
            reason=self.reasons.get(f"force_comment:{self.finding.pk}", ""),
        )

    @property
    def kind_label(self) -> str:
        if self.answered_by_reference:
            target = self.referenced_explanation
            return _(KIND_LABELS[target.kind]) if target.kind else ""
        if self.explanation and self.explanation.kind:
            return _(KIND_LABELS[self.explanation.kind])
        return ""


@dataclass(frozen=True)
class ChecklistRow:
    label: str
    done_on: date | None


@dataclass(frozen=True)
class Logo:
    url: str
    alt: str


@dataclass
class ResponseDocument:
    """Everything the template prints, read once: the same shape for a live preview and for a
    version rendered as it stood when it was published."""

    response: Response
    body: PolicingBody
    force: Force
    report: Report
    key_findings: list[Finding]
    causes_of_concern: list[Finding]
    recommendations: list[Item]
    areas_for_improvement: list[Item]
    version: ResponseVersion | None
    first_published_on: date | None
    is_draft: bool
    #: Rendered as the version stood when published (its frozen files), not a live preview.
    is_frozen: bool = False
    generated_at: datetime = field(default_factory=timezone.now)
    checklist: list[ChecklistRow] = field(default_factory=list)
    #: The language the document is in ("en" or "cy", `responses.bilingual`): a body that
    #: publishes bilingually has one document in each (docs/decisions/0012).
    language: str = bilingual.ENGLISH

    @property
    def lang_tag(self) -> str:
        """`<html lang>`, and so the PDF's /Lang."""
        return bilingual.html_tag(self.language)

    @property
    def is_welsh(self) -> bool:
        return self.language == bilingual.WELSH

    @property
    def en_attr(self) -> str:
        """` lang="en-GB"` on English words (the report's own title and findings, data kept in
        English only) inside a Welsh document; nothing in an English one."""
        return format_html(' lang="{}"', "en-GB") if self.is_welsh else ""

    def _welsh_or(self, english: str, welsh: str) -> str:
        return (welsh or "").strip() or english if self.is_welsh else english

    @property
    def body_name(self) -> str:
        return self._welsh_or(self.body.name, self.body.name_cy)

    @property
    def office_name(self) -> str:
        return self._welsh_or(self.body.office_name, self.body.office_name_cy)

    @property
    def holder_title(self) -> str:
        return self._welsh_or(self.body.holder_title, self.body.holder_title_cy)

    @property
    def force_name(self) -> str:
        return self._welsh_or(self.force.name, self.force.name_cy)

    @property
    def chief_officer_title(self) -> str:
        return self._welsh_or(self.force.chief_officer_title, self.force.chief_officer_title_cy)

    @property
    def title(self) -> str:
        return _("%(body)s response to %(report)s") % {
            "body": self.body_name,
            "report": self.report.title,
        }

    @property
    def heading(self) -> str:
        return _("%(body)s response to inspections of %(force)s published by %(inspectorate)s") % {
            "body": self.body_name,
            "force": self.force_name,
            "inspectorate": (
                self.report.inspectorate.welsh if self.is_welsh else str(self.report.inspectorate)
            ),
        }

    @property
    def duty_statement(self) -> Shown:
        """The statutory sentence under the heading (`responses.statute`), in the document's
        language where the catalogue has it."""
        english = statute.duty_statement(report_published_on=self.report.published_on)
        translated = _(english)
        if self.is_welsh and translated == english:
            return Shown(english, "en-GB")
        return Shown(translated)

    @property
    def type_of_inspection(self) -> Shown:
        """The report's type: the words the report's record gives it (`inspection_type_label`,
        the report's data like its title, so English in a Welsh document), else the type's
        name in the document's language."""
        label = self.report.inspection_type_label.strip()
        if label:
            return Shown(label, "en-GB" if self.is_welsh else "")
        return Shown(self.report.get_report_type_display())

    @property
    def subject(self) -> str:
        return _(
            "The response of the %(holder)s under section 55 of the Police Act 1996 to the "
            "%(inspectorate)s report %(report)s, published %(date)s."
        ) % {
            "holder": self.holder_title,
            "inspectorate": self.report.inspectorate.abbreviation,
            "report": self.report.title,
            "date": long_date(self.report.published_on),
        }

    def _shown(self, key: str, english: str, welsh: str) -> Shown:
        return shown(
            self.language,
            english,
            welsh,
            reason=bilingual.one_language_reason(self.response, key),
        )

    @property
    def office_comments(self) -> Shown:
        r = self.response
        return self._shown("office_comments", r.office_comments, r.office_comments_cy)

    @property
    def reply_to_force(self) -> Shown:
        r = self.response
        return self._shown("reply_to_force", r.reply_to_force, r.reply_to_force_cy)

    @property
    def force_comments(self) -> Shown:
        r = self.response
        return self._shown("force_comments", r.force_comments, r.force_comments_cy)

    @property
    def version_reason(self) -> Shown:
        if self.version is None:
            return Shown("")
        return self._shown("amendment_reason", self.version.reason, self.version.reason_cy)

    @property
    def accent_colour(self) -> str:
        return safe_accent(self.body.accent_colour)

    @property
    def logo(self) -> Logo | None:
        name = self.body.logo.name if self.body.logo else ""
        if not name:
            return None
        try:
            resolve_asset(asset_url("media", name))
        except FetchRefused:
            return None
        return Logo(url=asset_url("media", name), alt=self.body.logo_alt_text or self.body.name)

    @property
    def published_on(self) -> date | None:
        return self.version.published_on if self.version else None

    @property
    def published_late_days(self) -> int:
        if not (self.first_published_on and self.response.due_date):
            return 0
        return deadlines.days_late(due=self.response.due_date, published_on=self.first_published_on)

    @property
    def force_comments_received(self) -> bool:
        return force_comments_received(self.response)

    @property
    def chief_officer_comments_author(self) -> str:
        r = self.response
        return ", ".join(
            p for p in (r.force_comments_author_name, r.force_comments_author_role) if p
        )

    @property
    def no_force_comments_sentence(self) -> Shown:
        """What the document says where the chief officer's comments are absent (the office's
        words, `PolicingBody.no_force_comments_sentence`, as they stood for a frozen version;
        in a Welsh document the default sentence in Welsh, the office's own words marked as
        English)."""
        if self.is_welsh:
            if self.body.no_force_comments_text.strip():
                return Shown(self.body.no_force_comments_text.strip(), "en-GB")
            return Shown(
                _("The %(title)s did not submit comments.") % {"title": self.chief_officer_title}
            )
        return Shown(self.body.no_force_comments_sentence)

    @property
    def signatory_name(self) -> str:
        return self.response.signatory_name or self.body.holder_name

    @property
    def signatory_title(self) -> str:
        return self.response.signatory_title or self.body.holder_title

    @property
    def filename(self) -> str:
        if self.is_frozen:
            return pdf_filename(
                self.body, self.report, version_number=self.version.number, language=self.language
            )
        return pdf_filename(
            self.body,
            self.report,
            preview_on=timezone.localdate(self.generated_at),
            draft=self.is_draft,
        )


def _checklist(response: Response, version: ResponseVersion | None, *, frozen: bool):
    """The "For Office Use Only" rows.

    A preview (draft, or the live view of a published response) shows the copies of the latest
    published version as recorded now. A frozen version (its PDF and HTML snapshot, rendered
    from the data as it stood when it was published) shows only what was true then and stays
    true: the publication itself. The s55(6) copies are sent after publication, so a frozen
    document never states anything about them ("not recorded" would become false the day they
    went); the public page shows each version's copies live, from `ResponseVersion`
    (docs/law.md, "The office-use checklist"). The inspectorate is named as it was called on
    the day of publication (HMIC before 19 July 2017); the scrutiny body is the body's own, and
    has no row where there is none."""
    if frozen:
        return [ChecklistRow(_("Response published on the website"), version.published_on)]

    def sent(name):
        return getattr(version, name) if version is not None else None

    body = response.policing_body
    inspectorate = inspectorate_on(
        version.published_on if version else timezone.localdate()
    ).abbreviation
    rows = [
        ChecklistRow(
            f"Response forwarded to {inspectorate} Section 55 responses", sent("copy_hmicfrs_on")
        ),
        ChecklistRow("Response sent to the Home Secretary", sent("copy_home_secretary_on")),
        ChecklistRow(
            f"Response forwarded to the {body.force.chief_officer_title}",
            sent("copy_chief_officer_on"),
        ),
    ]
    if body.scrutiny_body_name:
        rows.append(
            ChecklistRow(
                f"Response forwarded to the {body.scrutiny_body_name}", sent("copy_panel_on")
            )
        )
    rows.append(
        ChecklistRow("Response published on the website", version.published_on if version else None)
    )
    return rows


def _items(
    findings, explanations_by_finding, kind, *, force_comments_received, body, language, reasons
) -> list[Item]:
    chosen = [f for f in findings if f.kind == kind]
    return [
        Item(
            n,
            f,
            explanations_by_finding.get(f.pk),
            show_force_comment=force_comments_received,
            addressee_labels=tuple(f.addressee_labels_for(body)),
            language=language,
            reasons=reasons,
        )
        for n, f in enumerate(chosen, 1)
    ]


def force_comments_received(response: Response) -> bool:
    """Have the chief officer's comments reached the office? A force contributor's draft that
    was never submitted is not the chief officer's comment and is never printed."""
    return bool(response.force_comments_submitted_at or response.force_comments_received_on)


def _assemble(
    *,
    response,
    body,
    force,
    report,
    findings,
    explanations,
    version,
    first_published_on,
    is_draft,
    is_frozen=False,
    language=bilingual.ENGLISH,
) -> ResponseDocument:
    findings = sorted(findings, key=lambda f: (f.position, f.pk))
    by_finding = {e.finding_id: e for e in explanations}
    Kind = Finding.Kind
    received = force_comments_received(response)
    reasons = dict(response.one_language_reasons or {})
    document = ResponseDocument(
        response=response,
        body=body,
        force=force,
        report=report,
        key_findings=[f for f in findings if f.kind == Kind.KEY_FINDING],
        causes_of_concern=[f for f in findings if f.kind == Kind.CAUSE_OF_CONCERN],
        recommendations=_items(
            findings,
            by_finding,
            Kind.RECOMMENDATION,
            force_comments_received=received,
            body=body,
            language=language,
            reasons=reasons,
        ),
        areas_for_improvement=_items(
            findings,
            by_finding,
            Kind.AREA_FOR_IMPROVEMENT,
            force_comments_received=received,
            body=body,
            language=language,
            reasons=reasons,
        ),
        version=version,
        first_published_on=first_published_on,
        is_draft=is_draft,
        is_frozen=is_frozen,
        language=language,
    )
    with translation.override(document_language(language)):
        document.checklist = _checklist(response, version, frozen=is_frozen)
    return document


def document_for_preview(response: Response, *, language=bilingual.ENGLISH) -> ResponseDocument:
    """The response as it is now, in `language`, with the redactions marked now applied. A
    draft (anything not published, including an amendment in progress) carries the DRAFT mark;
    a published response shows its latest version's date."""
    response = Response.objects.select_related("report", "policing_body__force").get(pk=response.pk)
    versions = list(response.versions.defer("pdf", "html_snapshot").order_by("number"))
    is_draft = response.status != Status.PUBLISHED or not versions
    # The preview shows what the public would see: the redactions marked now, applied.
    marks = [row.marked().as_json() for row in response.redactions.order_by("pk")]
    previewed, explanations = _redacted(response, list(response.explanations.all()), marks)
    return _assemble(
        response=previewed,
        body=response.policing_body,
        force=response.policing_body.force,
        report=response.report,
        findings=list(response.report.findings.all()),
        explanations=explanations,
        version=None if is_draft else versions[-1],
        first_published_on=versions[0].published_on if versions else None,
        is_draft=is_draft,
        language=language,
    )


def _as_of(model, pk, when, current):
    """`current` as it stood at `when` according to its history; `current` itself when it has
    no history row by then (rows created by a data migration have none until first edited)."""
    record = (
        model.history.filter(id=pk, history_date__lte=when)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None or record.history_type == "-":
        return current
    return record.instance


def _rows_as_of(model, when, current_rows, **filters):
    """The rows matching `filters` as they stood at `when`. A current row with no history at
    all (bulk-created) is kept as it is rather than silently dropped."""
    rows = {row.pk: row for row in model.history.as_of(when).filter(**filters)}
    with_history = set(
        model.history.filter(id__in=[r.pk for r in current_rows]).values_list("id", flat=True)
    )
    for row in current_rows:
        if row.pk not in rows and row.pk not in with_history:
            rows[row.pk] = row
    return list(rows.values())


def _redacted(response, explanations, frozen_redactions):
    """Copies of the response and its explanations with the version's frozen redactions
    applied (responses/redaction.py): the document of a published version, so its PDF, its
    HTML snapshot and the public copy, never holds a redacted passage. The rows themselves are
    left alone (they are never saved from here)."""
    marks = redaction.from_json(frozen_redactions)
    if not marks:
        return response, explanations
    response = copy.copy(response)
    for name in redaction.RESPONSE_FIELDS:
        setattr(
            response,
            name,
            redaction.apply(getattr(response, name), redaction.for_field(marks, name)),
        )
    redacted = []
    for explanation in explanations:
        explanation = copy.copy(explanation)
        finding_id = explanation.finding_id
        explanation.text = redaction.apply(
            explanation.text, redaction.for_field(marks, redaction.explanation_key(finding_id))
        )
        explanation.force_comment = redaction.apply(
            explanation.force_comment,
            redaction.for_field(marks, redaction.explanation_key(finding_id, force=True)),
        )
        explanation.text_cy = redaction.apply(
            explanation.text_cy,
            redaction.for_field(marks, redaction.explanation_key(finding_id, welsh=True)),
        )
        explanation.force_comment_cy = redaction.apply(
            explanation.force_comment_cy,
            redaction.for_field(
                marks, redaction.explanation_key(finding_id, force=True, welsh=True)
            ),
        )
        redacted.append(explanation)
    return response, redacted


def document_for_version(
    version: ResponseVersion, *, language=bilingual.ENGLISH
) -> ResponseDocument:
    """The response as it stood when `version` was published (its row was created inside the
    publishing transaction, after every text change the approval covered), in `language`."""
    when = version.created_at
    current = Response.objects.select_related("report", "policing_body__force").get(
        pk=version.response_id
    )
    response = _as_of(Response, current.pk, when, current)
    body = _as_of(PolicingBody, current.policing_body_id, when, current.policing_body)
    force = _as_of(Force, body.force_id, when, current.policing_body.force)
    report = _as_of(Report, current.report_id, when, current.report)
    # Templates reach the force and body through the response: keep them as of `when` too.
    body.force = force
    response.policing_body = body
    response.report = report
    findings = _rows_as_of(
        Finding, when, list(current.report.findings.all()), report_id=current.report_id
    )
    explanations = _rows_as_of(
        Explanation, when, list(current.explanations.all()), response_id=current.pk
    )
    first = (
        ResponseVersion.objects.filter(response_id=current.pk)
        .defer("pdf", "html_snapshot")
        .order_by("number")
        .first()
    )
    response, explanations = _redacted(response, explanations, version.redactions)
    return _assemble(
        response=response,
        body=body,
        force=force,
        report=report,
        findings=findings,
        explanations=explanations,
        version=version,
        first_published_on=first.published_on if first else version.published_on,
        is_draft=False,
        is_frozen=True,
        language=language,
    )


# --- Rendering -------------------------------------------------------------------------------


def available_fonts() -> list[dict]:
    """@font-face entries for the shipped Liberation Sans files (all four faces)."""
    return [
        {"url": asset_url("fonts", name), "weight": weight, "style": style}
        for name, (weight, style) in FONT_FILES.items()
    ]


#: The language a response document is written and published in by default. A body that
#: publishes bilingually has a Welsh document too (docs/decisions/0012). A document's dates
#: and fixed words follow its own language, not the language of the page or person that
#: happens to render it.
DOCUMENT_LANGUAGE = "en-gb"


def document_language(language: str) -> str:
    """The Django language code a document in `language` ("en" or "cy") is rendered in."""
    return "cy" if language == bilingual.WELSH else DOCUMENT_LANGUAGE


def document_languages(body) -> tuple[str, ...]:
    """The documents a body publishes: Welsh first, then English, for a bilingual body."""
    if body.publishes_bilingually:
        return (bilingual.WELSH, bilingual.ENGLISH)
    return (bilingual.ENGLISH,)


def render_snapshot(document: ResponseDocument) -> str:
    """The HTML snapshot: the body of the document, as the public page shows it."""
    with translation.override(document_language(document.language)):
        return render_to_string("pdf/response_body.html", {"doc": document})


def render_document_html(document: ResponseDocument) -> str:
    """The whole printable HTML document that WeasyPrint turns into the PDF."""
    with translation.override(document_language(document.language)):
        return render_to_string(
            "pdf/response.html",
            {
                "doc": document,
                "fonts": available_fonts(),
                "stylesheet": asset_url("pdf", "print.css"),
            },
        )


def render_pdf(html: str, *, fetcher=None) -> bytes:
    """PDF/UA-1 bytes from printable HTML, loading resources only through the safe fetcher."""
    weasyprint = _weasyprint()
    fetcher = fetcher or safe_fetcher()
    try:
        with pdf_lang.recording() as write_lang:
            return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
                pdf_variant="pdf/ua-1", custom_metadata=False, finisher=write_lang
            )
    except Exception as error:  # WeasyPrint raises many types; say which document failed.
        raise PdfError(f"The PDF could not be rendered: {error}") from error


def response_preview_pdf(response: Response, *, language=bilingual.ENGLISH) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the response as it is now, for staff to check."""
    document = document_for_preview(response, language=language)
    return render_pdf(render_document_html(document)), document.filename


def pdf_filename(
    body,
    report,
    *,
    version_number: int | None = None,
    preview_on=None,
    draft: bool = True,
    language: str = bilingual.ENGLISH,
) -> str:
    """ "norfolk-pcc-response-<report title>-version-1.pdf" for a published version (a Welsh
    document ends "-version-1-cy.pdf"); a preview is "...-draft-2020-02-18.pdf", or
    "...-preview-2020-02-25.pdf" once published."""
    stem = f"{body.slug}-response-{slugify(report.title)[:80].rstrip('-')}"
    if version_number is not None:
        suffix = "-cy" if language == bilingual.WELSH else ""
        return f"{stem}-version-{version_number}{suffix}.pdf"
    return f"{stem}-{'draft' if draft else 'preview'}-{preview_on:%Y-%m-%d}.pdf"


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else bytes(data)).hexdigest()


def version_freeze(*, version_id: int, pdf: bool = True) -> ResponseVersion:
    """Store the HTML snapshot and (with `pdf`) the PDF of a published version, each with its
    SHA-256, rendered from the data as it stood when the version was published.

    Idempotent and stored once: the version row is locked (`select_for_update`; on SQLite the
    IMMEDIATE transaction serialises writers) and what is already stored is never rendered or
    written again. The publication hook, the Celery task and a download that finds the PDF
    missing can all call it. With `pdf=False` only the snapshot is made (it takes milliseconds,
    so the public page has it as soon as the publication commits).
    """
    with transaction.atomic():
        version = (
            ResponseVersion.objects.select_for_update()
            .select_related("response__report", "response__policing_body")
            .get(pk=version_id)
        )
        fields = []
        languages = version_languages(version)
        for language in languages:
            html_field, pdf_field = FROZEN_FIELDS[language]
            need_snapshot = not getattr(version, f"{html_field[0]}")
            need_pdf = pdf and not getattr(version, pdf_field[1])
            if not (need_snapshot or need_pdf):
                continue
            document = document_for_version(version, language=language)
            if need_snapshot:
                snapshot = render_snapshot(document)
                setattr(version, html_field[1], snapshot)
                setattr(version, html_field[0], sha256(snapshot))
                fields += [html_field[1], html_field[0]]
            if need_pdf:
                data = render_pdf(render_document_html(document))
                setattr(version, pdf_field[0], data)
                setattr(version, pdf_field[1], sha256(data))
                fields += list(pdf_field)
        if not fields:
            return version
        version.save(update_fields=fields)
        logger.info("Stored %s of %s", ", ".join(fields), version)
        return version


#: Where each language's frozen files are stored: ((snapshot hash, snapshot), (PDF, PDF hash)).
FROZEN_FIELDS = {
    bilingual.ENGLISH: (("html_sha256", "html_snapshot"), ("pdf", "pdf_sha256")),
    bilingual.WELSH: (("html_cy_sha256", "html_snapshot_cy"), ("pdf_cy", "pdf_cy_sha256")),
}


def version_languages(version: ResponseVersion) -> tuple[str, ...]:
    """The documents of a version: those of the body's languages when it was published (the
    body as it stood then, from its history), so switching a body to bilingual later never
    adds a Welsh document to a version published in English only."""
    body = version.response.policing_body
    then = _as_of(PolicingBody, body.pk, version.created_at, body)
    return document_languages(then)


def version_is_frozen(version: ResponseVersion) -> bool:
    """Every file is stored (the PDF bytes and the HTML snapshot, with their hashes, in each
    language the version is published in)."""
    frozen = bool(version.pdf_sha256 and version.html_sha256)
    if version.html_cy_sha256 or version.pdf_cy_sha256:
        frozen = frozen and bool(version.html_cy_sha256 and version.pdf_cy_sha256)
    return frozen


def freeze_after_publication(version_id: int) -> None:
    """Subscriber of `response.published` (config/events.py; runs in a worker after the
    publication commits).

    The HTML snapshot is stored here; the PDF, which takes from under a second to a few
    seconds, is rendered by the Celery task `responses.tasks.freeze_version_pdf`, queued when
    this delivery commits. A missing PDF has its own record, the version's empty hash: a worker
    that starts queues every missing one (`freeze_missing_pdfs`), and a download that finds it
    missing renders it then. A failure to store the snapshot is recorded on the delivery and
    retried.
    """
    version_freeze(version_id=version_id, pdf=False)
    transaction.on_commit(lambda: enqueue_task(FREEZE_PDF_TASK, version_id), robust=True)
