"""Writes to the public tables: copying a published version into them, and keeping them fresh.

`published_response_refresh` is idempotent and safe to run at any time: it always copies the
response's *latest published version as it stood when it was published* (never the live draft of
an amendment in progress), using `responses.pdf.document_for_version`, the same reconstruction
that renders the frozen PDF and HTML snapshot. It runs after every publication
(the event `response.published`, config/events.py) and from `manage.py public_refresh`.

A correction of a report's shared facts (`responses.corrections`) makes every public copy of a
response to it stale (`stale_response_ids`: the report's date or type, or the number of
corrections made, differs from the copy's); `refresh_after_correction`, the event's subscriber
(config/events.py), refreshes them, and `manage.py public_refresh` finds any left. The copy takes the
report's date and type and the response's due date as corrected, and a public note of each
correction.

`public_progress_changed` runs after the tracker changes what a response page shows beside the
published text (the event `tracker.public_progress_changed`, config/events.py).

Both then queue `public.tasks.proxy_refresh` on commit when there is a reverse proxy
(S55_PROXY_REFRESH_URL): `proxy_pages_refresh` asks the proxy's internal listener for every page
the change alters, which replaces the proxy's cached copies, and records the outcome on the
public record (docs/decisions/0004-reverse-proxy-and-public-cache.md).
"""

import http.client
import logging
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation

from core.dates import long_date
from core.markup import plain_text
from core.queue import enqueue_task
from inspections.models import ReportCorrection
from responses import deadlines
from responses import reasons as response_reasons
from responses.corrections import correction_summary
from responses.models import Response, ResponseVersion
from responses.pdf import document_for_version, version_languages
from tracking.selectors import public_progress_for_response

from .models import PublishedItem, PublishedResponse

logger = logging.getLogger(__name__)

#: The task that refreshes the proxy's copies (public/tasks.py), named so this module need not
#: import it (the task calls this module).
PROXY_REFRESH_TASK = "public.tasks.proxy_refresh"

#: Characters of the office's comments kept as a plain-text summary for lists and feeds.
SUMMARY_LENGTH = 300


def _summary(text: str) -> str:
    text = " ".join(plain_text(text).split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "..."


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in (plain_text(part) for part in parts) if p)


def search_vector_expression():
    """Report titles weigh most, then recommendations and AFIs, then the published text."""
    return (
        SearchVector("report_title", weight="A", config="english")
        + SearchVector("recommendations_text", weight="B", config="english")
        + SearchVector("response_text", weight="C", config="english")
        # Welsh text has no PostgreSQL stemmer: it is indexed word for word ("simple"), and
        # the search asks in both configurations (`public.selectors.search`).
        + SearchVector("response_text_cy", weight="C", config="simple")
    )


def item_search_vector_expression():
    """The register's search (public/register.py): the report's title and the recommendation
    weigh most, then the body's published explanation, in English and in Welsh."""
    return (
        SearchVector("report_title", weight="A", config="english")
        + SearchVector("text", weight="A", config="english")
        + SearchVector("explanation", weight="B", config="english")
        # A bilingual body's Welsh explanation, word for word (no Welsh stemmer).
        + SearchVector("explanation_cy", weight="B", config="simple")
    )


def published_progress_copy(record: PublishedResponse) -> int:
    """Copy onto each published item what the office has made public of its progress: the
    public status and the date of the latest public update (`tracking.selectors.
    public_progress_for_response`, the one rule in `tracking.publicity`: a force's proposal
    waiting for the office is not there). Three queries and one update per changed item;
    returns how many items changed."""
    progress = public_progress_for_response(record)
    changed = []
    for item in record.items.only("id", "finding_id", "public_status", "last_public_update_on"):
        found = progress.get(item.finding_id)
        status = found["status"] if found else ""
        updated = max((u["date"] for u in found["public_updates"]), default=None) if found else None
        if (item.public_status, item.last_public_update_on) != (status, updated):
            item.public_status, item.last_public_update_on = status, updated
            changed.append(item)
    PublishedItem.objects.bulk_update(changed, ["public_status", "last_public_update_on"])
    return len(changed)


def published_response_refresh(*, response_id: int) -> PublishedResponse | None:
    """Copy the latest published version of a response into the public tables.

    Returns the public record, or None (and removes any record) if nothing was ever published.
    """
    with transaction.atomic():
        # Lock the response so two refreshes of one response (hook and command) serialise.
        response = (
            Response.objects.select_for_update()
            .select_related("report", "policing_body")
            .get(pk=response_id)
        )
        version = (
            ResponseVersion.objects.filter(response=response)
            .defer("pdf", "html_snapshot")
            .order_by("-number")
            .first()
        )
        if version is None:
            PublishedResponse.objects.filter(response=response).delete()
            return None
        first_published_on = response.published_on or (
            ResponseVersion.objects.filter(response=response)
            .order_by("number")
            .values_list("published_on", flat=True)
            .first()
        )
        withdrawals = _withdrawal_notes(response)
        if version.is_withdrawn:
            # Nothing of the withdrawn text is kept: only the statutory record and the note.
            text = _withdrawn_texts(response)
            items = []
        else:
            text, items = _published_texts(version)

        report_title, report_url = text.pop("report_title"), text.pop("report_url")
        bilingual_items = text["bilingual"]
        due = response.due_date
        notes = _correction_notes(response.report)
        record, _ = PublishedResponse.objects.update_or_create(
            response=response,
            defaults={
                "version": version,
                "version_number": version.number,
                "policing_body_id": response.policing_body_id,
                "report_id": response.report_id,
                "report_title": report_title,
                "report_published_on": response.report.published_on,
                # The live report's shared facts: a correction of them shows at once.
                "report_type": response.report.report_type,
                "report_url": report_url,
                "due_date": due,
                "first_published_on": first_published_on,
                "latest_published_on": version.published_on,
                "days_late": (
                    deadlines.days_late(due=due, published_on=first_published_on) if due else None
                ),
                **text,
                "corrections": notes,
                "corrections_noted": len(notes),
                "withdrawals": withdrawals,
                "withdrawals_noted": len(withdrawals),
                "withdrawn_on": (
                    timezone.localdate(version.withdrawn_at) if version.is_withdrawn else None
                ),
                "refreshed_at": timezone.now(),
            },
        )
        record.items.all().delete()
        PublishedItem.objects.bulk_create(
            PublishedItem(
                record=record,
                finding_id=item.finding.pk,
                kind=kind,
                position=position,
                number=item.number,
                response_id=response.pk,
                policing_body_id=response.policing_body_id,
                report_id=response.report_id,
                report_title=report_title,
                report_url=report_url,
                report_published_on=response.report.published_on,
                report_type=response.report.report_type,
                reference=item.finding.reference,
                text=item.finding.text,
                addressees=list(item.finding.addressees or []),
                timescale_text=item.finding.timescale_text,
                timescale_kind=item.finding.timescale_kind,
                target_date=item.finding.target_date,
                explanation_kind=item.explanation_kind,
                explanation=item.explanation_text,
                force_comment=item.force_comment,
                explanation_cy=item.explanation_text_cy if bilingual_items else "",
                force_comment_cy=item.force_comment_cy if bilingual_items else "",
            )
            for position, (kind, item) in enumerate(items, 1)
        )
        published_progress_copy(record)
        if connection.vendor == "postgresql":
            PublishedResponse.objects.filter(pk=record.pk).update(
                search_vector=search_vector_expression()
            )
            PublishedItem.objects.filter(record=record).update(
                search_vector=item_search_vector_expression()
            )
        proxy_refresh_on_commit(response_id=response_id)
    return record


def _published_texts(version: ResponseVersion) -> tuple[dict, list]:
    """The public record's text fields and (kind, item) pairs for a published version, as it
    stood when it was published (`document_for_version`)."""
    document = document_for_version(version)
    frozen = document.response
    items = [(PublishedItem.Kind.RECOMMENDATION, item) for item in document.recommendations] + [
        (PublishedItem.Kind.AREA_FOR_IMPROVEMENT, item) for item in document.areas_for_improvement
    ]
    force_comments = "" if frozen.force_comments_none_submitted else frozen.force_comments
    text = {
        "report_title": document.report.title,
        "report_url": document.report.hmicfrs_url,
        "office_comments": frozen.office_comments,
        "force_comments": force_comments,
        "force_comments_none_submitted": frozen.force_comments_none_submitted,
        "force_comments_author": document.chief_officer_comments_author,
        "reply_to_force": frozen.reply_to_force,
        "signatory_name": document.signatory_name,
        "signatory_title": document.signatory_title,
        "summary": _summary(frozen.office_comments),
        "recommendations_text": _join(*(item.finding.text for _, item in items)),
        "response_text": _join(
            frozen.office_comments,
            force_comments,
            frozen.reply_to_force,
            *(item.explanation_text for _, item in items),
            *(item.force_comment for _, item in items),
        ),
    }
    # A version published in Welsh and English (docs/decisions/0012): its Welsh texts too.
    is_bilingual = len(version_languages(version)) > 1
    welsh = {
        "office_comments_cy": frozen.office_comments_cy,
        "force_comments_cy": ""
        if frozen.force_comments_none_submitted
        else frozen.force_comments_cy,
        "reply_to_force_cy": frozen.reply_to_force_cy,
    }
    if not is_bilingual:
        welsh = dict.fromkeys(welsh, "")
    text |= {
        "bilingual": is_bilingual,
        **welsh,
        "summary_cy": _summary(welsh["office_comments_cy"]),
        "response_text_cy": _join(
            *welsh.values(),
            *(item.explanation_text_cy for _, item in items if is_bilingual),
            *(item.force_comment_cy for _, item in items if is_bilingual),
        ),
    }
    return text, items


def _withdrawn_texts(response: Response) -> dict:
    """The public record's text fields while its latest version is withdrawn: the report's
    own facts (published by the inspectorate) and nothing of the office's withdrawn text."""
    return {
        "report_title": response.report.title,
        "report_url": response.report.hmicfrs_url,
        "office_comments": "",
        "force_comments": "",
        "force_comments_none_submitted": False,
        "force_comments_author": "",
        "reply_to_force": "",
        "signatory_name": "",
        "signatory_title": "",
        "summary": "",
        "recommendations_text": "",
        "response_text": "",
        "bilingual": False,
        "office_comments_cy": "",
        "force_comments_cy": "",
        "reply_to_force_cy": "",
        "summary_cy": "",
        "response_text_cy": "",
    }


def _withdrawal_notes(response: Response) -> list[dict]:
    """The public note of each withdrawn version of the response, oldest first: its reason in
    English and, from a bilingual body, in Welsh, or why it was given in one language only."""
    reasons = response.one_language_reasons or {}
    return [
        {
            "version": version.number,
            "published_on": version.published_on.isoformat(),
            "on": timezone.localdate(version.withdrawn_at).isoformat(),
            "reason": version.withdrawal_reason,
            "reason_cy": version.withdrawal_reason_cy,
            "one_language": str(reasons.get(f"withdrawal_reason:{version.number}", "")),
        }
        for version in ResponseVersion.objects.filter(response=response, withdrawn_at__isnull=False)
        .only("number", "published_on", "withdrawn_at", "withdrawal_reason", "withdrawal_reason_cy")
        .order_by("number")
    ]


def _correction_notes(report) -> list[dict]:
    """The public note of each correction made to the report's shared facts, oldest first.

    Written in English whoever's worker writes it (responses/reasons.py `NOTE_DETAILS`,
    `NOTE_DETAILS_DUE`, `NOTE_FINDINGS`, and the summary's `FACT_CORRECTED`,
    `FINDINGS_CORRECTED`): the public page and the feed show it in their language
    (`core.history.reason_html`), the API as stored."""
    notes = []
    with translation.override(settings.LANGUAGE_CODE):
        for correction in ReportCorrection.objects.filter(
            report=report, status=ReportCorrection.Status.APPLIED
        ).order_by("decided_at", "pk"):
            on = timezone.localdate(correction.decided_at)
            summary = correction_summary(correction)
            if correction.is_findings:
                # The published response keeps the findings it answered (its version is
                # frozen): say so, rather than let the report's findings change silently
                # under it.
                text = response_reasons.NOTE_FINDINGS(summary=summary)
                notes.append({"on": on.isoformat(), "on_text": long_date(on), "text": text})
                continue
            changes = summary.removesuffix(".")
            text = response_reasons.NOTE_DETAILS(changes=changes)
            before = correction.previous.get("published_on")
            if correction.published_on and before:
                old_due = deadlines.statutory_due_date(date.fromisoformat(before))
                new_due = deadlines.statutory_due_date(correction.published_on)
                if old_due != new_due:
                    text = response_reasons.NOTE_DETAILS_DUE(
                        changes=changes,
                        old=long_date(old_due, weekday=True) if old_due else "none",
                        new=long_date(new_due, weekday=True) if new_due else "none",
                    )
            notes.append({"on": on.isoformat(), "on_text": long_date(on), "text": text})
    return notes


def stale_response_ids() -> list[int]:
    """Published responses whose public record is missing, older than their latest version, or
    behind a correction of the report's shared facts (its date, its type, or a correction it
    has not taken in) or behind a withdrawal of one of its versions."""
    latest = (
        ResponseVersion.objects.filter(response=OuterRef("pk")).order_by("-number").values("pk")[:1]
    )
    made = (
        ReportCorrection.objects.filter(
            report=OuterRef("report_id"), status=ReportCorrection.Status.APPLIED
        )
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    withdrawn = (
        ResponseVersion.objects.filter(response=OuterRef("pk"), withdrawn_at__isnull=False)
        .order_by()
        .values("response")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Response.objects.published()
        .annotate(
            latest_version_id=Subquery(latest),
            corrections_made=Coalesce(Subquery(made), Value(0)),
            versions_withdrawn=Coalesce(Subquery(withdrawn), Value(0)),
        )
        .filter(
            Q(public_record__isnull=True)
            | ~Q(public_record__version_id=F("latest_version_id"))
            | ~Q(public_record__report_published_on=F("report__published_on"))
            | ~Q(public_record__report_type=F("report__report_type"))
            | ~Q(public_record__corrections_noted=F("corrections_made"))
            | ~Q(public_record__withdrawals_noted=F("versions_withdrawn"))
        )
        .values_list("pk", flat=True)
    )


def published_responses_refresh(*, response_ids=None) -> int:
    """Refresh the given responses (default: the stale ones). Returns how many were refreshed."""
    ids = stale_response_ids() if response_ids is None else list(response_ids)
    for response_id in ids:
        published_response_refresh(response_id=response_id)
    return len(ids)


def refresh_after_publication(version_id: int) -> None:
    """Subscriber of `response.published` (config/events.py; runs in a worker after the
    publication commits). A failure is recorded on its delivery, retried, and shown to the
    office until `manage.py events_replay` (or `public_refresh`) completes it."""
    response_id = ResponseVersion.objects.values_list("response_id", flat=True).get(pk=version_id)
    published_response_refresh(response_id=response_id)


def refresh_after_withdrawal(version_id: int) -> None:
    """Subscriber of `response.withdrawn` (config/events.py): the copy drops the withdrawn
    version's text and takes in its public note, so the page, the feeds, search and the API
    answer with the note; then the proxy's copies of its pages are replaced. Idempotent."""
    response_id = ResponseVersion.objects.values_list("response_id", flat=True).get(pk=version_id)
    published_response_refresh(response_id=response_id)


def refresh_after_correction(*, correction_id: int) -> int:
    """The "report.corrected" subscriber (config/events.py): refresh the public copies the
    correction made stale (`stale_response_ids`), each of which queues the proxy's refresh.
    Runs in a worker; idempotent. Returns how many copies were refreshed."""
    return published_responses_refresh()


def refresh_after_copies(*, response_id: int, version_id: int, lock_version: int) -> int:
    """Subscriber of `response.copies_recorded` (config/events.py): the public page of a
    response lists each version's s55(6) copies "as recorded now", read live beside the
    published text, like the tracker's progress. So, as `public_progress_changed` does, move
    the page's Last-Modified on (its cache key and ETag also follow the response's lock version)
    and queue the proxy's refresh, which has nothing to do unless the page changed. Returns how
    many public records changed (0: the response is not on the public site)."""
    updated = PublishedResponse.objects.filter(response_id=response_id).update(
        progress_changed_at=timezone.now()
    )
    if updated:
        proxy_refresh_on_commit(response_id=response_id)
    return updated


def public_progress_changed(*, policing_body_id: int, report_id: int) -> None:
    """Subscriber of `tracker.public_progress_changed` (config/events.py): an item of this
    office's for this report changed its status, or had a public update or a correction, so the
    public page of the office's response to the report must show it. Moves the page's cache
    key, ETag and Last-Modified on (one query, nothing to do if the response is not published),
    copies the public status onto the register's rows (`published_progress_copy`) and queues
    the proxy's refresh. A failure is recorded on its delivery and retried."""
    records = PublishedResponse.objects.filter(
        policing_body_id=policing_body_id, report_id=report_id
    )
    records.update(progress_changed_at=timezone.now())
    for record in records.only("id", "response_id", "policing_body_id", "report_id"):
        # The register's copy of the public status and latest public update.
        published_progress_copy(record)
        proxy_refresh_on_commit(response_id=record.response_id)


# --- The reverse proxy's cached copies ------------------------------------------------------


class ProxyRefreshFailed(Exception):
    """The proxy did not return a fresh copy of every page (the task retries)."""


def proxy_refresh_on_commit(*, response_id: int) -> None:
    """Queue the refresh of the proxy's copies of the response's pages once the transaction
    commits; nothing without a proxy (S55_PROXY_REFRESH_URL unset)."""
    if not settings.S55_PROXY_REFRESH_URL:
        return
    transaction.on_commit(lambda: enqueue_task(PROXY_REFRESH_TASK, response_id))


def proxy_paths(record: PublishedResponse) -> list[str]:
    """The public addresses whose answer a change to this published response alters, in every
    language (English and the /cy/ Welsh copies, core/i18n.py): its page, its latest PDF once it
    is stored (asking for it earlier would render it in the web process, beside the worker's
    task), the pages and feeds that list it (the register and the report's page among them),
    and the API's copies of it."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += [
                reverse("public:response", kwargs={"pk": record.response_id}),
                reverse("public:home"),
                reverse("public:response-list"),
                reverse("public:statistics"),
                reverse("public:feed"),
                reverse("public:office-feed", kwargs={"slug": record.policing_body.slug}),
                reverse("public:sitemap"),
                reverse("public:api-response-list"),
                reverse("public:api-response-detail", kwargs={"id": record.response_id}),
                # The register and the report's page of every body's response show it too.
                reverse("public:register"),
                reverse("public:report", kwargs={"pk": record.report_id}),
                reverse("public:api-register-list"),
                reverse("public:api-statistics"),
            ]
    pdf_kwargs = {"pk": record.response_id, "number": record.version_number}
    if record.version.pdf_cy_sha256:
        paths.insert(1, reverse("pdf:version-cy", kwargs=pdf_kwargs))
    if record.version.pdf_sha256:
        paths.insert(1, reverse("pdf:version", kwargs=pdf_kwargs))
    # Every withdrawn version's PDFs (an earlier one too), which now answer 410 with the note:
    # the proxy must not go on serving the bytes it kept.
    paths += [path for path in _withdrawn_pdf_paths(record) if path not in paths]
    return paths


def _withdrawn_pdf_paths(record: PublishedResponse) -> list[str]:
    return [
        reverse(name, kwargs={"pk": record.response_id, "number": note["version"]})
        for note in record.withdrawals
        for name in ("pdf:version", "pdf:version-cy")
    ]


def proxy_gone_paths(record: PublishedResponse) -> set[str]:
    """The public addresses that answer "410 Gone" because a version was withdrawn: the PDF of
    each withdrawn version (an earlier one too), and, while the latest version is withdrawn,
    the response's page and the API's copy of it."""
    gone = set(_withdrawn_pdf_paths(record))
    if not record.is_withdrawn:
        return gone
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            gone.add(reverse("public:response", kwargs={"pk": record.response_id}))
            gone.add(reverse("public:api-response-detail", kwargs={"id": record.response_id}))
    return gone


def _proxy_get(path: str) -> int:
    """GET the path from the proxy's refresh listener, as a visitor to the public address
    would (the same Host), and return the status."""
    proxy = urlsplit(settings.S55_PROXY_REFRESH_URL)
    site = urlsplit(settings.SITE_URL)
    connection = http.client.HTTPConnection(proxy.hostname, proxy.port or 80, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": site.netloc, "User-Agent": "s55-refresh"})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def proxy_pages_refresh(*, response_id: int) -> int:
    """Replace the proxy's copies of every page the response's latest change alters; record
    when that succeeded, or why it did not (then raise ProxyRefreshFailed, so the task
    retries). Idempotent: nothing to do if the copies were refreshed after the last change.
    Returns how many pages were refreshed."""
    if not settings.S55_PROXY_REFRESH_URL:
        return 0
    record = (
        PublishedResponse.objects.select_related("policing_body", "version")
        .defer(
            "version__pdf",
            "version__html_snapshot",
            "version__pdf_cy",
            "version__html_snapshot_cy",
        )
        .filter(response_id=response_id)
        .first()
    )
    if record is None:
        return 0
    changed = max(filter(None, (record.refreshed_at, record.progress_changed_at)))
    if record.proxy_refreshed_at and record.proxy_refreshed_at >= changed:
        return 0  # already refreshed since the last change (a task queued twice)
    started = timezone.now()
    problems = []
    gone = proxy_gone_paths(record)
    for path in proxy_paths(record):
        try:
            status = _proxy_get(path)
        except OSError as error:
            problems.append(f"{path}: {error}")
        else:
            if status != (410 if path in gone else 200):
                problems.append(f"{path}: HTTP {status}")
    records = PublishedResponse.objects.filter(pk=record.pk)
    if problems:
        records.update(proxy_refresh_error="\n".join(problems))
        raise ProxyRefreshFailed(
            f"The proxy's copies of response {response_id} were not all refreshed: "
            + "; ".join(problems)
        )
    records.update(proxy_refreshed_at=started, proxy_refresh_error="")
    return len(proxy_paths(record))


def stale_at_proxy_response_ids() -> list[int]:
    """Published responses whose pages changed after the proxy's copies were last refreshed."""
    changed = Greatest("refreshed_at", Coalesce("progress_changed_at", "refreshed_at"))
    return list(
        PublishedResponse.objects.filter(
            Q(proxy_refreshed_at__isnull=True) | Q(proxy_refreshed_at__lt=changed)
        ).values_list("response_id", flat=True)
    )


def proxy_refresh_all() -> int:
    """Mark every published response's pages as owed a refresh at the proxy (after its cache
    was emptied); a `proxy_refresh_owed` task then queues them. Returns how many."""
    return PublishedResponse.objects.update(proxy_refreshed_at=None)
