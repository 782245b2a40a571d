"""The pack for the office's scrutiny body (its Police and Crime Panel, Police, Fire and Crime
Panel or the London Assembly's Police and Crime Committee: `PolicingBody.scrutiny_body_name`):
what it says, frozen at a chosen date, and its PDF.

`pack_data` reads the office's tracker as it stood on the "as at" date and returns plain JSON:

- the items being tracked on that date (tracking had started) whose status on that date was
  active (open, in progress, pending sign-off), each with that status (from the latest status
  change dated on or before the date), its RAG rating on that date, its leads and target date
  as they were then (the item's history) and its latest public update dated on or before the
  date (below);
- what changed since the previous pack: items new to the pack, changes of status (including
  items closed since, which leave the pack), and how many public updates each item has had
  since.

The pack goes to the scrutiny body, whose meeting papers are normally published, so it holds no
update text the public may not read. Each item shows its latest update that the public reads,
as the public reads it, by the public page's rules (`_public_by`): an update not marked
public, a force's update the office has not approved, and one a correction withdrew are never
shown (the item shows the public update before it, or "No public update yet."), and every
passage the office redacted reads "[redacted: reason]" (`responses.redaction.apply`, the rule
of every public output; docs/decisions/0011-redaction-storage.md). Which updates are public and
what is redacted are taken as they are when the pack is made, not as they were on the "as at"
date, although the redactions' history would allow that: a passage redacted since that date was
redacted because it must not be published, and a new pack is a new publication; a redaction
removed since then would be published on the public page anyway. There is no choice to include
internal updates: nothing in the product or its documentation means the panel to have the
office's internal notes, and a pack that held them could not be told apart from one fit to
publish (one that did would need an explicit choice, recorded on the pack and printed on it).
The count of new updates since the previous pack counts only public updates, by the same rule
(`_public_by`): a count of internal ones would tell the panel that internal activity happened.
The status and RAG rating remain the office's working view (docs/architecture.md: the force's
status change counts for staff at once). Packs of format 1 (`FORMAT_VERSION`) showed the
latest update whole, whatever it was; they are kept as they were made (their bytes never
change), and marked as not fit to publish wherever they are offered
(`PanelPack.may_hold_internal_text`: the pack list, the download's file name, the admin).

The PDF is rendered from that JSON alone (`render_pack_pdf`), through the response PDF's
renderer (`responses.pdf`: the print stylesheet, Liberation Sans, and the safe fetcher that
loads nothing but the print assets and the office's logo). `services.panel_pack_create` stores
both with their SHA-256; nothing here is ever run again for a stored pack.
"""

import hashlib
import json
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import CONTENT_LANGUAGE, html_lang
from inspections.inspectorate import InspectorateName, inspectorate_on
from inspections.models import Finding
from responses.pdf import (
    FetchRefused,
    asset_url,
    available_fonts,
    render_pdf,
    resolve_asset,
    safe_accent,
)
from responses.redaction import apply as apply_redactions

from . import publicity
from .models import PUBLIC_ONLY_PACK_FORMAT, ProgressRedaction, ProgressUpdate, TrackerItem
from .rag import ACTIVE_STATUSES, RAG_ORDER, Rag, Status, is_overdue, rag_for

#: 1: `latest_update` was the item's latest update, whatever it was, as written (packs made
#: before 4 December 2026). 2: it is the latest update the public reads, as the public reads it
#: (the module's docstring). The shape is the same.
FORMAT_VERSION = 2


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else bytes(data)).hexdigest()


def canonical_json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _name(users: dict, pk) -> str:
    user = users.get(pk)
    return user.display_name if user else ""


def pack_data(*, body, as_at: date, title: str, previous, taken_by, taken_on: date) -> dict:
    """The pack's content as JSON-ready data (a fixed number of queries)."""
    end = _end_of(as_at)
    current = list(
        TrackerItem.objects.filter(policing_body_id=body.pk).values_list("pk", flat=True)
    )
    # Every update, to tell which the public reads now (a correction or the office's decision on
    # a force's proposal can come after the date); those dated by then are the pack's.
    every: dict[int, list[ProgressUpdate]] = {}
    updates: dict[int, list[ProgressUpdate]] = {}
    for update in (
        ProgressUpdate.objects.filter(item_id__in=current)
        .annotate(decision=F("public_proposal__decision"))
        .order_by("date", "created_at", "id")
    ):
        every.setdefault(update.item_id, []).append(update)
        if update.date <= as_at:
            updates.setdefault(update.item_id, []).append(update)
    # What the pack may show of each item's updates: those the public reads (one rule).
    public = _public_by(every, as_at)
    latest_public = _latest_public(public)
    # The items as they stood at the end of the day (leads, target date, area: the history).
    # An item whose tracking was started later but has updates dated by then (its earlier
    # progress recorded afterwards) is in the pack too, with its details as first recorded.
    as_of = {
        record.pk: record
        for record in TrackerItem.history.as_of(end).filter(policing_body_id=body.pk)
    }
    missing = [pk for pk in updates if pk not in as_of]
    for record in TrackerItem.history.filter(id__in=missing).order_by(
        "id", "history_date", "history_id"
    ):
        as_of.setdefault(record.id, record.instance)
    # An item with no history row at all (made outside the services) is taken as it is.
    unrecorded = [pk for pk in updates if pk not in as_of]
    for item in TrackerItem.objects.filter(pk__in=unrecorded):
        as_of[item.pk] = item
    items = sorted(as_of.values(), key=lambda i: i.pk)
    findings = Finding.objects.select_related("report").in_bulk([i.finding_id for i in items])
    user_ids = {i.office_lead_id for i in items} | {i.force_lead_id for i in items}
    user_ids |= {u.author_id for ups in updates.values() for u in ups}
    users = get_user_model().objects.in_bulk([pk for pk in user_ids if pk])

    themes, priorities = _tags(items, findings, body)
    # Linked recommendations are tracked once: an item tracked with another is shown under it.
    also: dict[int, list[str]] = {}
    for item in items:
        if item.tracked_with_id:
            finding = findings[item.finding_id]
            also.setdefault(item.tracked_with_id, []).append(
                f"{finding.reference or finding.get_kind_display()}, {finding.report.title}"
            )

    previous_items = {row["id"]: row for row in previous.data["items"]} if previous else {}
    previous_statuses = (
        {int(k): v for k, v in previous.data.get("statuses", {}).items()} if previous else {}
    )
    since = date.fromisoformat(previous.data["as_at"]) if previous else None

    rows, statuses, changes = [], {}, []
    for item in items:
        finding = findings[item.finding_id]
        history = updates.get(item.pk, [])
        status = Status.OPEN
        for update in history:
            if update.status_to:
                status = Status(update.status_to)
        statuses[item.pk] = status.value
        latest, latest_text = latest_public.get(item.pk, (None, ""))
        # Only public updates are counted: a count of internal ones would tell the panel (and
        # the public reading its papers) that internal activity happened.
        new_updates = [u for u in public.get(item.pk, []) if since is None or u.date > since]
        label = finding.reference or finding.get_kind_display()
        before = previous_statuses.get(item.pk)
        what = []
        if previous is not None:
            if before is None:
                what.append(_("New in this pack"))
            elif before != status.value:
                what.append(
                    _("Status changed from %(lower)s to %(lower2)s")
                    % {"lower": Status(before).label.lower(), "lower2": status.label.lower()}
                )
            if new_updates:
                count = len(new_updates)
                what.append(
                    ngettext("%(count)s new update", "%(count)s new updates", count)
                    % {"count": count}
                )
        if what:
            changes.append(
                {
                    "item_id": item.pk,
                    "label": label,
                    "report_title": finding.report.title,
                    "status_label": status.label,
                    "what": what,
                    "in_pack": status in ACTIVE_STATUSES,
                }
            )
        if status not in ACTIVE_STATUSES or item.tracked_with_id:
            continue
        rag = rag_for(status=status, target_date=item.target_date, today=as_at)
        rows.append(
            {
                "id": item.pk,
                "label": label,
                "kind": finding.kind,
                "kind_label": finding.get_kind_display(),
                "text": finding.text,
                "report_title": finding.report.title,
                "report_published_on": finding.report.published_on,
                "position": finding.position,
                "status": status.value,
                "status_label": status.label,
                "rag": rag.value,
                "rag_label": rag.label,
                "target_date": item.target_date,
                "overdue": is_overdue(status=status, target_date=item.target_date, today=as_at),
                "area": item.area,
                "themes": themes.get(item.pk, []),
                "priorities": priorities.get(item.pk, []),
                "also_answers": also.get(item.pk, []),
                "office_lead": _name(users, item.office_lead_id),
                "force_lead": _name(users, item.force_lead_id),
                "latest_update": (
                    {
                        "date": latest.date,
                        "text": latest_text,
                        "author": _name(users, latest.author_id),
                        # So a pack made in Welsh shows a closure decision's words in Welsh.
                        "kind": latest.kind,
                        "kind_label": ProgressUpdate.Kind(latest.kind).label,
                        "status_to_label": Status(latest.status_to).label
                        if latest.status_to
                        else "",
                    }
                    if latest
                    else None
                ),
                "updates_since_previous": len(new_updates) if previous is not None else None,
                "in_previous": item.pk in previous_items,
            }
        )
    rows.sort(
        key=lambda r: (str(r["report_published_on"]), r["report_title"], r["position"], r["id"])
    )
    changes.sort(key=lambda c: (c["report_title"], c["label"], c["item_id"]))
    rag_counts = {rag.value: sum(1 for r in rows if r["rag"] == rag.value) for rag in Rag}
    data = {
        "format": FORMAT_VERSION,
        "title": title,
        "as_at": as_at,
        "taken_on": taken_on,
        "taken_by": taken_by.display_name if taken_by else "",
        "body": {
            "id": body.pk,
            "name": body.name,
            "office_name": body.office_name,
            "short_name": body.short_name,
            "holder_title": body.holder_title,
            "scrutiny_body_name": body.scrutiny_body_name,
            "accent_colour": body.accent_colour,
            "logo": body.logo.name if body.logo else "",
            "logo_alt_text": body.logo_alt_text or body.name,
        },
        "force": body.force.name,
        "previous": (
            {"id": previous.pk, "title": previous.title, "as_at": previous.data["as_at"]}
            if previous
            else None
        ),
        "summary": {
            "open": len(rows),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "rag": rag_counts,
        },
        "items": rows,
        # The open items grouped by theme and by the office's plan priorities (an item with
        # several tags is in each group; one with none in "Not tagged").
        "by_theme": _groups(rows, "themes"),
        "by_priority": _groups(rows, "priorities"),
        "changes": changes,
        # Every tracked item's status on the date, so the next pack can say what changed.
        "statuses": {str(k): v for k, v in statuses.items()},
    }
    # Round-trip through JSON now, so what is rendered is exactly what is stored.
    return json.loads(canonical_json(data))


def _public_by(every: dict[int, list[ProgressUpdate]], as_at: date) -> dict:
    """{item id: its updates dated on or before `as_at` that the public reads now, oldest
    first}. The rule is the public page's: `tracking.publicity.public_updates` (marked public,
    taken effect, not withdrawn by a correction). `every`: each item's updates, oldest first,
    annotated with their proposal's `decision` (a correction or the office's decision can come
    after `as_at`, so every update is needed to tell)."""
    decisions = {u.pk: u.decision for ups in every.values() for u in ups if u.decision}
    public = {}
    for item_id, ups in every.items():
        shown = [u for u in publicity.public_updates(ups, decisions) if u.date <= as_at]
        if shown:
            public[item_id] = shown
    return public


def _latest_public(public: dict[int, list[ProgressUpdate]]) -> dict:
    """{item id: (its latest public update, that update's text as the public reads it)}, from
    `_public_by`: each text has "[redacted: reason]" in place of every passage the office has
    redacted (`ProgressRedaction`, `responses.redaction.apply`), by the redactions in force
    when the pack is made (one query)."""
    latest = {item_id: shown[-1] for item_id, shown in public.items()}
    marks: dict[int, list] = {}
    if latest:
        ids = [u.pk for u in latest.values()]
        for row in ProgressRedaction.objects.filter(update_id__in=ids).order_by("pk"):
            marks.setdefault(row.update_id, []).append(row.marked())
    return {
        item_id: (update, apply_redactions(update.text, marks.get(update.pk, [])))
        for item_id, update in latest.items()
    }


def _tags(items, findings, body) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """{item id: theme names} and {item id: the office's plan priority titles}: the item's own
    tags and its recommendation's, as they are when the pack is made (four queries)."""
    item_ids = [i.pk for i in items]
    by_finding: dict[int, list[int]] = {}
    for item in items:
        by_finding.setdefault(item.finding_id, []).append(item.pk)
    themes: dict[int, set[str]] = {}
    priorities: dict[int, set[str]] = {}
    for item_id, name in TrackerItem.themes.through.objects.filter(
        trackeritem_id__in=item_ids
    ).values_list("trackeritem_id", "theme__name"):
        themes.setdefault(item_id, set()).add(name)
    for finding_id, name in Finding.themes.through.objects.filter(
        finding_id__in=list(findings)
    ).values_list("finding_id", "theme__name"):
        for item_id in by_finding.get(finding_id, []):
            themes.setdefault(item_id, set()).add(name)
    for item_id, title in TrackerItem.plan_priorities.through.objects.filter(
        trackeritem_id__in=item_ids
    ).values_list("trackeritem_id", "planpriority__title"):
        priorities.setdefault(item_id, set()).add(title)
    for finding_id, title in Finding.plan_priorities.through.objects.filter(
        finding_id__in=list(findings), planpriority__policing_body_id=body.pk
    ).values_list("finding_id", "planpriority__title"):
        for item_id in by_finding.get(finding_id, []):
            priorities.setdefault(item_id, set()).add(title)
    return (
        {k: sorted(v) for k, v in themes.items()},
        {k: sorted(v) for k, v in priorities.items()},
    )


def _groups(rows: list[dict], key: str) -> list[dict]:
    """[{"name", "count", "overdue", "labels"}] for each tag of `key` among `rows`, by name,
    with the untagged last."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        for name in row[key] or [_("Not tagged")]:
            groups.setdefault(name, []).append(row)
    names = sorted(n for n in groups if n != "Not tagged") + (
        [_("Not tagged")] if "Not tagged" in groups else []
    )
    return [
        {
            "name": name,
            "count": len(groups[name]),
            "overdue": sum(1 for r in groups[name] if r["overdue"]),
            "labels": [f"{r['label']}, {r['report_title']}" for r in groups[name]],
        }
        for name in names
    ]


# --- The PDF ---------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def display_data(data: dict) -> dict:
    """The stored JSON with its dates as dates again and the RAG colours, for the template."""
    items = []
    for row in data["items"]:
        latest = row["latest_update"]
        items.append(
            {
                **row,
                "target_date": _date(row["target_date"]),
                "report_published_on": _date(row["report_published_on"]),
                "rag_colour": Rag(row["rag"]).colour,
                "latest_update": {**latest, "date": _date(latest["date"])} if latest else None,
            }
        )
    rag = data["summary"]["rag"]
    return {
        **data,
        "as_at": _date(data["as_at"]),
        "taken_on": _date(data["taken_on"]),
        "previous": (
            {**data["previous"], "as_at": _date(data["previous"]["as_at"])}
            if data["previous"]
            else None
        ),
        "items": items,
        # Packs of format 1 showed the latest update, public or not (`FORMAT_VERSION`).
        "public_updates_only": data.get("format", 1) >= PUBLIC_ONLY_PACK_FORMAT,
        # Packs made before themes and priorities existed have neither grouping.
        "groupings": [
            (_("By theme"), data.get("by_theme", [])),
            (_("By Police and Crime Plan priority"), data.get("by_priority", [])),
        ],
        "rag_rows": [
            {"label": r.label, "count": rag.get(r.value, 0)}
            for r in sorted(Rag, key=RAG_ORDER.get)
            if r in (Rag.RED, Rag.AMBER, Rag.GREEN)
        ],
    }


def made_by(shown: dict) -> list[InspectorateName]:
    """The inspectorate's names for the pack's reports, each by the name it had when the report
    was published (HMIC before 19 July 2017, HMICFRS from then), the latest name of each once,
    oldest first; the name on the "as at" date when the pack has no items."""
    names: dict[str, InspectorateName] = {}
    for day in sorted(item["report_published_on"] for item in shown["items"]):
        name = inspectorate_on(day)
        names[name.abbreviation] = name
    return list(names.values()) or [inspectorate_on(shown["as_at"])]


def render_pack_html(data: dict) -> str:
    """The printable HTML of a pack, from its stored data only, in the active language (the
    maker's): a pack made in Welsh is a Welsh document (`<html lang="cy">`) whose people's text
    is marked as English and whose closure decisions' words are Welsh, by the pages' rule
    (`templatetags.tracking.progress_text`); a pack made in English is as it always was."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    shown = display_data(data)
    accent = safe_accent(data["body"].get("accent_colour"))
    logo_url = ""
    if data["body"].get("logo"):
        try:
            resolve_asset(asset_url("media", data["body"]["logo"]))
            logo_url = asset_url("media", data["body"]["logo"])
        except FetchRefused:
            logo_url = ""
    return render_to_string(
        "tracking/pack_pdf.html",
        {
            "pack": shown,
            "lang": html_lang(language),
            "in_content_language": language == CONTENT_LANGUAGE,
            "made_by": made_by(shown),
            "accent": accent,
            "logo_url": logo_url,
            "fonts": available_fonts(),
            "stylesheet": asset_url("pdf", "print.css"),
        },
    )


def render_pack_pdf(data: dict) -> bytes:
    """PDF/UA-1 bytes of a pack, rendered by the response PDF's renderer and safe fetcher."""
    return render_pdf(render_pack_html(data))


def pack_filename(pack) -> str:
    """The download's name; a pack that may hold internal text (`PanelPack.
    may_hold_internal_text`) says so in it, so the warning goes with the file (its bytes are
    frozen and cannot)."""
    warning = "-earlier-version-do-not-publish" if pack.may_hold_internal_text else ""
    return f"{pack.policing_body.slug}-panel-pack-{pack.as_at:%Y-%m-%d}-{pack.pk}{warning}.pdf"
