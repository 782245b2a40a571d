"""The response as a PDF: the staff preview and the public download of a published version.

- `preview` (staff): the response as it is now, rendered on request, marked "DRAFT - not
  published" unless the response is published. Office staff only: a force contributor who can
  see the response may not see the office's unpublished text (`can_see_office_drafts`).
- `version` (public): the exact bytes frozen when that version was published, never
  re-rendered. If the PDF of a version is not stored yet (its Celery task has not run), it is
  rendered now, once, under the version's row lock, stored, and then served: the public never
  gets a version without its bytes, nor bytes that differ from the stored hash.
- `preview_docx` and `version_docx` (staff, like the preview): the same documents in Word
  (responses/word.py); a version's from its frozen HTML snapshot.
"""

import base64
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import can_see_office_drafts, member_required

from . import word
from .bilingual import ENGLISH, WELSH, withdrawal_note
from .models import ResponseVersion
from .pdf import FROZEN_FIELDS, pdf_filename, response_preview_pdf, sha256, version_freeze
from .permissions import get_response_for

logger = logging.getLogger(__name__)


class FrozenFileCorrupted(Exception):
    """The stored bytes no longer match the SHA-256 stored with them."""


@require_safe
@member_required
def preview(request, pk):
    response = get_response_for(request.user, pk)
    if not can_see_office_drafts(request.user, response):
        raise PermissionDenied(_("Only the office's staff can preview its response."))
    language = _language(request, response)
    data, filename = response_preview_pdf(response, language=language)
    http = HttpResponse(data, content_type="application/pdf")
    http["Content-Disposition"] = content_disposition_header(False, filename)
    http["Cache-Control"] = "private, no-store"
    return http


def _language(request, response) -> str:
    language = WELSH if request.GET.get("lang") == WELSH else ENGLISH
    if language == WELSH and not response.policing_body.publishes_bilingually:
        raise Http404("This office publishes in English only.")
    return language


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    http = HttpResponse(data, content_type=word.CONTENT_TYPE)
    http["Content-Disposition"] = content_disposition_header(True, filename)
    http["Content-Length"] = str(len(data))
    http["Cache-Control"] = "private, no-store"
    return http


@require_safe
@member_required
def preview_docx(request, pk):
    """The response as it is now as a Word document: the office's staff only, like the
    preview PDF."""
    response = get_response_for(request.user, pk)
    if not can_see_office_drafts(request.user, response):
        raise PermissionDenied(_("Only the office's staff can download its draft."))
    data, filename = word.response_preview_docx(response, language=_language(request, response))
    return _docx_response(data, filename)


@require_safe
@member_required
def version_docx(request, pk, number):
    """A published version as a Word document, from its frozen HTML snapshot: the office's
    staff only (the public has the version's PDF). A withdrawn version is not served."""
    response = get_response_for(request.user, pk)
    if not can_see_office_drafts(request.user, response):
        raise PermissionDenied(_("Only the office's staff can download Word documents."))
    frozen = get_object_or_404(
        ResponseVersion.objects.select_related("response__report", "response__policing_body"),
        response=response,
        number=number,
    )
    if frozen.withdrawn_at:
        return withdrawn(request, frozen)
    language = _language(request, response)
    if language == WELSH and not (frozen.html_cy_sha256 or frozen.pdf_cy_sha256):
        frozen = version_freeze(version_id=frozen.pk, pdf=False)
        if not frozen.html_cy_sha256:
            raise Http404("This version was published in English only.")
    data, filename = word.version_docx(frozen, language=language)
    return _docx_response(data, filename)


@require_safe
def version(request, pk, number, language=ENGLISH):
    frozen = get_object_or_404(
        ResponseVersion.objects.select_related("response__report", "response__policing_body"),
        response_id=pk,
        number=number,
    )
    if frozen.withdrawn_at:
        return withdrawn(request, frozen, language=language)
    pdf_field, hash_field = FROZEN_FIELDS[language][1]
    if language == WELSH and not (frozen.html_cy_sha256 or frozen.pdf_cy_sha256):
        # A version published in English only has no Welsh document.
        frozen = version_freeze(version_id=frozen.pk, pdf=False)
        if not frozen.html_cy_sha256:
            raise Http404("This version was published in English only.")
    if not getattr(frozen, hash_field):
        # Its task has not run yet (or failed): render it now, once, under the row lock.
        frozen = version_freeze(version_id=frozen.pk)
    digest = getattr(frozen, hash_field)
    etag = f'"{digest}"'
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return HttpResponseNotModified(headers={"ETag": etag})
    data = bytes(getattr(frozen, pdf_field))
    if sha256(data) != digest:
        logger.critical("%s: stored PDF does not match its SHA-256", frozen)
        raise FrozenFileCorrupted(f"The stored PDF of {frozen} does not match its SHA-256.")
    response = frozen.response
    filename = pdf_filename(
        response.policing_body, response.report, version_number=frozen.number, language=language
    )
    http = HttpResponse(data, content_type="application/pdf")
    http["Content-Disposition"] = content_disposition_header(True, filename)
    http["Content-Length"] = str(len(data))
    http["ETag"] = etag
    # RFC 9530: the file's digest, to check against the SHA-256 printed on the page.
    http["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    # The bytes of a version never change.
    http["Cache-Control"] = "public, max-age=86400"
    return http


def withdrawn(request, frozen: ResponseVersion, *, language: str = "") -> HttpResponse:
    """410 Gone, with the public note: which version was withdrawn, why and when. Public and
    cacheable like the PDF it replaces, so the proxy's refresh replaces its copy of the bytes.
    At the Welsh PDF's address the note is in Welsh (its reason as the office gave it in
    Welsh, else marked English)."""
    response = frozen.response
    reasons = response.one_language_reasons or {}
    on = timezone.localdate(frozen.withdrawn_at)
    with translation.override("cy" if language == WELSH else translation.get_language()):
        note = withdrawal_note(
            {
                "version": frozen.number,
                "published_on": frozen.published_on.isoformat(),
                "on": on.isoformat(),
                "reason": frozen.withdrawal_reason,
                "reason_cy": frozen.withdrawal_reason_cy,
                "one_language": str(reasons.get(f"withdrawal_reason:{frozen.number}", "")),
            }
        )
        http = render(
            request,
            "pdf/withdrawn.html",
            {
                "page_title": _("Withdrawn: %(body)s response to %(title)s")
                % {"body": response.policing_body.short_name, "title": response.report.title},
                "version": frozen,
                "body": response.policing_body,
                "report": response.report,
                "note": note,
            },
            status=410,
        )
    http["Cache-Control"] = "public, max-age=300"
    return http


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
