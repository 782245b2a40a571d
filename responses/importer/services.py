"""Writes for the importer: a draft from a paste or an upload, staff's corrections to it, and
confirming it (which creates the report, its judgements and findings and, for a previously
published response, the response) or discarding it.

Every service is keyword-only, runs in a transaction and locks the draft it changes. A change
made from a page that is out of date (`expected_lock_version`) is refused, so two tabs cannot
overwrite each other's corrections. Errors a person can act on are `DraftError`s (from
`draft.py`) or `ExtractionError`s (from `extract.py`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Force
from accounts.permissions import has_office_role
from core.errors import DomainError
from core.history import attribute
from core.locking import ConcurrentEditError, bump_lock_version, check_version
from inspections.models import Finding, GradedJudgement, ImportDraft, Report
from inspections.services import finding_derive_timescale, report_create
from responses.services import response_import_published, responses_create_for_report

from . import draft as drafts
from . import parser
from .draft import DraftError
from .extract import extract_pasted, extract_upload

__all__ = [
    "import_draft_change",
    "import_draft_confirm",
    "import_draft_create",
    "import_draft_discard",
]

IMPORT_REASON = "Imported"


class DraftConflict(DraftError, ConcurrentEditError):
    """The draft changed after the page was opened (another tab, or a colleague)."""


def force_names() -> list[parser.ForceName]:
    """The forces the parser looks for, as data (one query)."""
    names = []
    for slug, name, short_name in Force.objects.values_list("slug", "name", "short_name"):
        aliases = [name, short_name]
        if name.endswith(" Service"):  # "Metropolitan Police Service" is often "... Police"
            aliases.append(name.removesuffix(" Service"))
        names.append(parser.ForceName(slug, tuple(aliases)))
    return names


def _require_office(user, body) -> None:
    if not has_office_role(user, body):
        raise DraftError(
            _("Only the office's drafters, approvers and admins can import documents.")
        )


def import_draft_create(
    *,
    policing_body,
    acting_user,
    text: str = "",
    data: bytes | None = None,
    filename: str = "",
) -> ImportDraft:
    """Read pasted `text` or an uploaded file's `data`, propose its structure, and save the
    proposal as a draft for the preview page. Raises ExtractionError when it cannot be read."""
    _require_office(acting_user, policing_body)
    if data is not None:
        extracted = extract_upload(data, filename=filename)
    else:
        extracted = extract_pasted(text)
    result = parser.parse(extracted.text, forces=force_names())
    payload = drafts.build_payload(result, notes=extracted.notes)
    draft = ImportDraft(
        policing_body=policing_body,
        created_by=acting_user,
        source_name=(filename or "Pasted text")[:255],
        source_kind=extracted.kind,
        text=extracted.text,
        payload=payload,
    )
    draft.save()
    return draft


def _locked(draft: ImportDraft, expected_lock_version: int | None) -> ImportDraft:
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != ImportDraft.Status.OPEN:
        raise DraftError(
            "This import has already been "
            + ("confirmed." if draft.status == ImportDraft.Status.CONFIRMED else "discarded.")
        )
    check_version(
        expected=expected_lock_version,
        current=draft.lock_version,
        error=DraftConflict,
        message="This draft changed after you opened the page (perhaps in another tab). The "
        "page now shows the latest version: make your change again.",
    )
    return draft


def import_draft_correct(
    *,
    draft: ImportDraft,
    acting_user,
    correction: Callable[..., object],
    expected_lock_version: int | None = None,
    **arguments,
) -> ImportDraft:
    """Apply one of the named corrections of `draft.py` (`drafts.CORRECTIONS`):
    `correction(payload, **arguments)`, and save. Anything else is refused."""
    if correction not in drafts.CORRECTIONS:
        raise ValueError(f"{correction!r} is not a correction of an import draft")
    return import_draft_change(
        draft=draft,
        acting_user=acting_user,
        change=lambda payload, _text: correction(payload, **arguments),
        expected_lock_version=expected_lock_version,
    )


def import_draft_change(
    *,
    draft: ImportDraft,
    acting_user,
    change: Callable[[dict, str], object],
    expected_lock_version: int | None = None,
) -> ImportDraft:
    """Apply one change, `change(payload, text)`, and save (the pages use `import_draft_correct`;
    tests set up drafts with this)."""
    _require_office(acting_user, draft.policing_body)
    with transaction.atomic():
        draft = _locked(draft, expected_lock_version)
        payload = copy.deepcopy(draft.payload)
        change(payload, draft.text)
        draft.payload = payload
        draft.save(update_fields=["payload", *bump_lock_version(draft), "updated_at"])
    return draft


def import_draft_discard(
    *, draft: ImportDraft, acting_user, expected_lock_version: int | None = None
) -> ImportDraft:
    _require_office(acting_user, draft.policing_body)
    with transaction.atomic():
        draft = _locked(draft, expected_lock_version)
        draft.status = ImportDraft.Status.DISCARDED
        draft.save(update_fields=["status", *bump_lock_version(draft), "updated_at"])
    return draft


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{message}" for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _create_report(payload: dict, acting_user) -> tuple[Report, dict[str, Finding]]:
    details = payload["report"]
    forces = list(Force.objects.filter(slug__in=details["forces"]))
    report_type = details["report_type"]
    fields = {
        "title": details["title"].strip(),
        "published_on": date.fromisoformat(details["published_on"]),
        "report_type": report_type,
        "inspection_type_label": details["inspection_type_label"].strip()[:100],
        "scope": details["scope"],
        "grading_framework": details["grading_framework"],
        "hmicfrs_url": details.get("hmicfrs_url", "").strip(),
    }
    report = report_create(acting_user=acting_user, forces=forces, reason=IMPORT_REASON, **fields)
    for position, entry in enumerate(payload["judgements"], start=1):
        judgement = GradedJudgement(
            report=report, position=position, area=entry["area"], grade=entry["grade"]
        )
        judgement.full_clean()
        attribute(judgement, acting_user=acting_user, reason=IMPORT_REASON)
        judgement.save()
    created: dict[str, Finding] = {}
    items = payload["items"]
    # Causes of concern first, so recommendations can point at theirs when they are saved.
    order = sorted(range(len(items)), key=lambda i: items[i]["kind"] != parser.CAUSE_OF_CONCERN)
    for index in order:
        entry = items[index]
        finding = Finding(
            report=report,
            kind=entry["kind"],
            position=index + 1,
            reference=entry["reference"].strip()[:30],
            text=entry["text"].strip(),
            addressees=list(entry["addressees"]),
            timescale_text=entry["timescale_text"].strip()[:200],
            cause_of_concern=created.get(entry["cause"]) if entry.get("cause") else None,
        )
        finding_derive_timescale(finding, published_on=report.published_on)
        finding.full_clean()
        attribute(finding, acting_user=acting_user, reason=IMPORT_REASON)
        finding.save()
        created[entry["id"]] = finding
    return report, created


def _explanations(
    payload: dict, report: Report, created: dict[str, Finding] | None, welsh: dict | None = None
):
    """(finding, kind, text, force comment) for items answered one by one in the response;
    `welsh` is filled with {finding id: (explanation, force comment) in Welsh}."""
    welsh = {} if welsh is None else welsh
    answered = [
        item
        for item in payload["items"]
        if item["kind"] in (parser.RECOMMENDATION, parser.AFI)
        and any(
            item.get(name)
            for name in ("explanation", "force_comment", "explanation_cy", "force_comment_cy")
        )
    ]

    def remember(finding, item):
        welsh[finding.pk] = (item.get("explanation_cy", ""), item.get("force_comment_cy", ""))
        return finding

    if created is not None:
        return [
            (
                remember(created[i["id"]], i),
                i.get("explanation_kind", ""),
                i["explanation"],
                i["force_comment"],
            )
            for i in answered
        ]
    existing = {
        (f.kind, f.reference.strip().lower()): f
        for f in report.findings.filter(kind__in=[parser.RECOMMENDATION, parser.AFI])
    }
    result, missing = [], []
    for item in answered:
        finding = existing.get((item["kind"], item["reference"].strip().lower()))
        if finding is None:
            missing.append(item["reference"] or item["text"][:40])
        else:
            result.append(
                (
                    remember(finding, item),
                    item.get("explanation_kind", ""),
                    item["explanation"],
                    item["force_comment"],
                )
            )
    if missing:
        raise DraftError(
            "The existing report has no finding with the reference of: "
            + ", ".join(missing)
            + ". Give those items the reference they have in the report, or create a new report."
        )
    return result


def _checklist_notes(draft: ImportDraft, response: dict) -> str:
    lines = [f"Imported from {draft.source_name}."]
    if response["checklist"]:
        lines.append("The office's checklist in the document:")
        lines += [
            f"- [{'x' if entry['ticked'] else ' '}] {entry['text']}"
            for entry in response["checklist"]
        ]
    return "\n".join(lines)


def import_draft_confirm(
    *,
    draft: ImportDraft,
    acting_user,
    existing_report: Report | None = None,
    expected_lock_version: int | None = None,
) -> ImportDraft:
    """Create what the draft describes. With `existing_report`, the draft's report details and
    findings are not created again: only the response is added to that report.

    A previously published response is created through `response_import_published`: published
    on its original date and marked as imported. Raises DraftError listing every problem."""
    _require_office(acting_user, draft.policing_body)
    with transaction.atomic():
        draft = _locked(draft, expected_lock_version)
        payload = draft.payload
        today = timezone.localdate()
        problems = drafts.check_ready(payload, today=today)
        if existing_report is not None:
            problems = [p for p in problems if p[0] != "report-details"]
        if problems:
            messages = [message for _where, message in problems]
            raise DraftError(" ".join(messages), problems=messages)
        try:
            with transaction.atomic():
                if existing_report is None:
                    report, created = _create_report(payload, acting_user)
                else:
                    report, created = existing_report, None
                response = payload["response"]
                if response["include"]:
                    published_on = date.fromisoformat(response["published_on"])
                    sent = response.get("copies_sent_on") or ""
                    sent_on = date.fromisoformat(sent) if sent else published_on
                    copies = {
                        entry["recipient"]: sent_on
                        for entry in response["checklist"]
                        if entry["ticked"] and entry["recipient"] in drafts.COPY_RECIPIENTS
                    }
                    force = response["force_comments"]
                    welsh_explanations = {}
                    explanations = _explanations(payload, report, created, welsh_explanations)
                    response_import_published(
                        report=report,
                        policing_body=draft.policing_body,
                        acting_user=acting_user,
                        published_on=published_on,
                        office_comments=response["office_comments"]["text"],
                        force_comments=force["text"],
                        force_comments_author_name=force.get("author_name", ""),
                        force_comments_author_role=force.get("author_role", ""),
                        reply_to_force=response["reply_to_force"]["text"],
                        signatory_name=response.get("signatory_name", ""),
                        signatory_title=response.get("signatory_title", ""),
                        published_url=response.get("published_url", ""),
                        copies=copies,
                        explanations=explanations,
                        explanations_cy=welsh_explanations,
                        office_comments_cy=response["office_comments"].get("text_cy", ""),
                        force_comments_cy=force.get("text_cy", ""),
                        reply_to_force_cy=response["reply_to_force"].get("text_cy", ""),
                        internal_notes=_checklist_notes(draft, response),
                        reason=IMPORT_REASON,
                    )
                if existing_report is None:
                    # Recording the report opens the response of every body it concerns (not
                    # started), as on the report pages; the office's own, if imported, is kept.
                    responses_create_for_report(report=report, acting_user=acting_user)
        except ValidationError as error:
            messages = _messages(error)
            raise DraftError(" ".join(messages), problems=messages) from error
        except DomainError as error:
            raise DraftError(" ".join(error.problems), problems=error.problems) from error
        draft.status = ImportDraft.Status.CONFIRMED
        draft.report = report
        draft.save(update_fields=["status", "report", *bump_lock_version(draft), "updated_at"])
    return draft
