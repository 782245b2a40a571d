"""The import draft's payload: what the parser proposed, in plain JSON-able data that staff
correct on the preview page, and the corrections themselves.

Pure functions on dictionaries (no ORM), so every correction is easy to test and the payload
is saved whole in `ImportDraft.payload`. Shape (version 1)::

    {
      "version": 1,
      "layout": "report" | "response" | "letter" | "press",
      "notes": [str],            # from reading the file (e.g. "text boxes were not read")
      "messages": [str],         # from the parser (e.g. "No title was recognised")
      "report": {"title", "published_on" (ISO or ""), "report_type", "inspection_type_label",
                 "scope", "forces": [slug], "grading_framework", "hmicfrs_url",
                 "spans": {"title" | "published_on" | "type" | "forces": [[start, end]]}},
      "judgements": [{"id", "area", "grade", "spans"}],
      "items": [{"id", "kind", "text", "reference", "addressees", "timescale_text",
                 "cause" (id of a cause of concern or None), "explanation",
                 "explanation_kind", "force_comment", "spans", "origin"}],
      "response": {"present", "include", "published_on", "published_on_spans",
                   "published_url", "copies_sent_on",
                   "force_comments" | "office_comments" | "reply_to_force":
                       {"text", "spans", "author_name", "author_role"},
                   "signatory_name", "signatory_title", "signatory_spans",
                   "checklist": [{"id", "text", "ticked", "recipient", "spans"}]},
      "recognised": [{"id", "label", "text", "spans"}],
      "not_placed": [{"id", "text", "spans", "where"}],
      "discarded": [{"id", "what": "item" | "text", "text", "spans", "item" | "where"}],
      "next_id": int,
    }

Spans are [start, end) offsets into `ImportDraft.text`. Nothing leaves the payload: a deleted
item or a discarded text goes to "discarded", from where it can be restored.
"""

from __future__ import annotations

import copy
import re
from datetime import date

from django.utils.translation import gettext, gettext_lazy, ngettext

from core.errors import DomainError

from . import parser

__all__ = [
    "COMMENT_TARGETS",
    "CORRECTIONS",
    "DraftError",
    "FINDING_KIND_LABELS",
    "build_payload",
    "check_ready",
]

PAYLOAD_VERSION = 1

FINDING_KIND_LABELS = {
    parser.KEY_FINDING: gettext_lazy("Key finding"),
    parser.CAUSE_OF_CONCERN: gettext_lazy("Cause of concern"),
    parser.RECOMMENDATION: gettext_lazy("Recommendation"),
    parser.AFI: gettext_lazy("Area for improvement"),
    parser.PRACTICE: gettext_lazy("Innovative or promising practice"),
}
COMMENT_TARGETS = {
    "force_comments": gettext_lazy("The chief officer's comments"),
    "office_comments": gettext_lazy("The office's comments"),
    "reply_to_force": gettext_lazy("The office's reply to the chief officer's comments"),
}
EXPLANATION_KINDS = ("", "action_taken", "action_proposed", "no_action")
#: Checklist recipients that are copies recorded on the response (responses.services.COPY_FIELDS).
COPY_RECIPIENTS = ("hmicfrs", "home_secretary", "panel", "chief_officer")
_PREFIX = {
    parser.RECOMMENDATION: "R",
    parser.AFI: "AFI ",
    parser.CAUSE_OF_CONCERN: "Cause of concern ",
}


_NOT_PLACED = re.compile(r"(\d+) parts? of the text could not be placed\. ")


def message_text(message: str) -> str:
    """One of the parser's messages (kept in English in the payload) in the reader's language;
    a message the catalogue does not know is shown as stored."""
    found = _NOT_PLACED.match(message)
    if found:
        count = int(found[1])
        return ngettext(
            "%(count)s part of the text could not be placed. Each is listed under "
            '"Not placed": place it or discard it before you confirm.',
            "%(count)s parts of the text could not be placed. Each is listed under "
            '"Not placed": place it or discard it before you confirm.',
            count,
        ) % {"count": count}
    return gettext(message)


class DraftError(DomainError):
    """A correction (or a confirmation) that cannot be made; the message says why, and
    `problems` lists each thing to fix when there are several."""


# --- Building ------------------------------------------------------------------------------


def _spans(spans) -> list[list[int]]:
    return [[span.start, span.end] for span in spans]


def _value_spans(value) -> list[list[int]]:
    return _spans(value.spans) if value is not None else []


def build_payload(result: parser.ParseResult, *, notes: list[str] | None = None) -> dict:
    """The editable payload for a parse result."""
    counter = 0

    def next_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}{counter}"

    item_ids = [next_id("i") for _ in result.items]
    items = []
    for index, item in enumerate(result.items):
        cause = item.cause
        items.append(
            {
                "id": item_ids[index],
                "kind": item.kind,
                "text": item.text,
                "reference": item.reference,
                "addressees": list(item.addressees),
                "timescale_text": item.timescale_text,
                "cause": item_ids[cause] if cause is not None and cause < len(item_ids) else None,
                "explanation": item.explanation,
                "explanation_kind": "",
                "force_comment": item.force_comment,
                "spans": _spans(item.spans),
                "origin": "read",
            }
        )
    report_type = str(result.report_type.value) if result.report_type else parser.OTHER_TYPE
    published = result.published_on.value if result.published_on else None
    forces_spans: list[list[int]] = []
    for value in result.forces:
        forces_spans.extend(s for s in _value_spans(value) if s not in forces_spans)

    def comments(found: parser.Comments | None) -> dict:
        if found is None:
            return {"text": "", "spans": [], "author_name": "", "author_role": ""}
        return {
            "text": found.text,
            "spans": _spans(found.spans),
            "author_name": found.author_name,
            "author_role": found.author_role,
        }

    signatory = result.signatory.value if result.signatory else {}
    response_date = result.response_published_on.value if result.response_published_on else None
    payload = {
        "version": PAYLOAD_VERSION,
        "layout": result.layout,
        "notes": list(notes or []),
        "messages": list(result.messages),
        "report": {
            "title": str(result.title.value) if result.title else "",
            "published_on": published.isoformat() if isinstance(published, date) else "",
            "report_type": report_type,
            "inspection_type_label": (
                str(result.inspection_type_label.value) if result.inspection_type_label else ""
            ),
            "scope": result.scope,
            "forces": [str(value.value) for value in result.forces],
            "grading_framework": result.grading_framework,
            "hmicfrs_url": "",
            "spans": {
                "title": _value_spans(result.title),
                "published_on": _value_spans(result.published_on),
                "type": _value_spans(result.report_type)
                + _value_spans(result.inspection_type_label),
                "forces": forces_spans,
            },
        },
        "judgements": [
            {"id": next_id("j"), "area": j.area, "grade": j.grade, "spans": _spans(j.spans)}
            for j in sorted(result.judgements, key=lambda j: j.spans[0].start if j.spans else 0)
        ],
        "items": items,
        "response": {
            "present": result.is_response,
            "include": result.is_response,
            "published_on": response_date.isoformat() if isinstance(response_date, date) else "",
            "published_on_spans": _value_spans(result.response_published_on),
            "published_url": "",
            "copies_sent_on": "",
            "force_comments": comments(result.force_comments),
            "office_comments": comments(result.office_comments),
            "reply_to_force": comments(result.reply_to_force),
            "signatory_name": str(signatory.get("name", "")),
            "signatory_title": str(signatory.get("title", "")),
            "signatory_spans": _value_spans(result.signatory),
            "checklist": [
                {
                    "id": next_id("c"),
                    "text": entry.text,
                    "ticked": entry.ticked,
                    "recipient": entry.recipient,
                    "spans": _spans(entry.spans),
                }
                for entry in result.checklist
            ],
        },
        "recognised": [
            {"id": next_id("g"), "label": r.label, "text": r.text, "spans": _spans(r.spans)}
            for r in sorted(result.recognised, key=lambda r: r.spans[0].start if r.spans else 0)
        ],
        "not_placed": [
            {"id": next_id("n"), "text": n.text, "spans": _spans(n.spans), "where": n.where}
            for n in result.not_placed
        ],
        "discarded": [],
    }
    payload["next_id"] = counter + 1
    return payload


def _new_id(payload: dict, prefix: str) -> str:
    number = int(payload.get("next_id", 1))
    payload["next_id"] = number + 1
    return f"{prefix}{number}"


# --- Finding things ------------------------------------------------------------------------


def _index(entries: list[dict], entry_id: str, what: str) -> int:
    for index, entry in enumerate(entries):
        if entry.get("id") == entry_id:
            return index
    raise DraftError(
        gettext("That %(what)s is no longer in the draft: the page may be out of date.")
        % {"what": what}
    )


def find_item(payload: dict, item_id: str) -> dict:
    return payload["items"][_index(payload["items"], item_id, "item")]


def _first_start(entry: dict) -> int | None:
    spans = entry.get("spans") or []
    return spans[0][0] if spans else None


def _order_key(entry: dict) -> tuple[int, int] | None:
    """Where an entry's text is in the document: its first span, then its last (items of one
    list share the list's lead-in as their first span)."""
    spans = entry.get("spans") or []
    return (spans[0][0], spans[-1][0]) if spans else None


def _position_for(payload: dict, key: tuple[int, int] | None) -> int:
    """Where an item that came from text at `key` belongs: after the items read from earlier
    text (document order)."""
    if key is None:
        return len(payload["items"])
    position = 0
    for index, item in enumerate(payload["items"]):
        item_key = _order_key(item)
        if item_key is not None and item_key <= key:
            position = index + 1
    return position


def _blank_item(payload: dict, kind: str, text: str, spans, origin: str) -> dict:
    return {
        "id": _new_id(payload, "i"),
        "kind": kind,
        "text": text,
        "reference": "",
        "addressees": [],
        "timescale_text": "",
        "cause": None,
        "explanation": "",
        "explanation_kind": "",
        "force_comment": "",
        "spans": [list(s) for s in spans],
        "origin": origin,
    }


def next_reference(payload: dict, kind: str, *, excluding: str | None = None) -> str:
    prefix = _PREFIX.get(kind)
    if prefix is None:
        return ""
    numbers = []
    for item in payload["items"]:
        if item["kind"] != kind or item["id"] == excluding:
            continue
        match = re.fullmatch(re.escape(prefix.strip()) + r"\s*(\d+)", item["reference"].strip())
        if match:
            numbers.append(int(match.group(1)))
    return f"{prefix}{max(numbers, default=0) + 1}"


def _tidy(payload: dict) -> None:
    """Keep the items consistent after a change: only recommendations have addressees, a
    timescale and a cause of concern, and a cause link always points at a cause of concern."""
    causes = {item["id"] for item in payload["items"] if item["kind"] == parser.CAUSE_OF_CONCERN}
    for item in payload["items"]:
        if item["kind"] != parser.RECOMMENDATION:
            item["addressees"] = []
            item["timescale_text"] = ""
            item["cause"] = None
        elif item.get("cause") not in causes:
            item["cause"] = None


# --- Corrections to items ------------------------------------------------------------------


def update_item(
    payload: dict,
    item_id: str,
    *,
    kind: str,
    text: str,
    reference: str = "",
    addressees: list[str] = (),
    timescale_text: str = "",
    cause: str | None = None,
    explanation: str = "",
    explanation_kind: str = "",
    force_comment: str = "",
    explanation_cy: str = "",
    force_comment_cy: str = "",
) -> None:
    if kind not in FINDING_KIND_LABELS:
        raise DraftError(gettext("Choose what kind of item this is."))
    if not text.strip():
        raise DraftError(gettext("Enter the text of the item, or delete it."))
    bad = [a for a in addressees if a not in parser.ADDRESSEES]
    if bad:
        raise DraftError(gettext("Unknown addressee: %(join)s.") % {"join": ", ".join(bad)})
    if explanation_kind not in EXPLANATION_KINDS:
        raise DraftError(gettext("Choose a kind of explanation from the list."))
    item = find_item(payload, item_id)
    if kind != item["kind"] and reference.strip() == item["reference"]:
        reference = next_reference(payload, kind, excluding=item_id)
    item.update(
        kind=kind,
        text=text.strip(),
        reference=reference.strip(),
        addressees=list(addressees),
        timescale_text=timescale_text.strip(),
        cause=cause or None,
        explanation=explanation.strip(),
        explanation_kind=explanation_kind,
        force_comment=force_comment.strip(),
        explanation_cy=explanation_cy.strip(),
        force_comment_cy=force_comment_cy.strip(),
    )
    _tidy(payload)


def move_item(payload: dict, item_id: str, direction: str) -> None:
    items = payload["items"]
    index = _index(items, item_id, "item")
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        raise DraftError(gettext("That item cannot move further."))
    items[index], items[other] = items[other], items[index]


def merge_item_with_next(payload: dict, item_id: str) -> None:
    """Join an item and the one after it: one item, both texts, both sources."""
    items = payload["items"]
    index = _index(items, item_id, "item")
    if index + 1 >= len(items):
        raise DraftError(gettext("This is the last item: there is nothing after it to merge with."))
    first, second = items[index], items[index + 1]
    first["text"] = (first["text"].rstrip() + "\n\n" + second["text"].lstrip()).strip()
    first["spans"] = first["spans"] + [s for s in second["spans"] if s not in first["spans"]]
    for name in ("explanation", "force_comment"):
        joined = "\n\n".join(part for part in (first.get(name), second.get(name)) if part)
        first[name] = joined
    for name in ("addressees",):
        first[name] = first[name] + [a for a in second[name] if a not in first[name]]
    first["timescale_text"] = first["timescale_text"] or second["timescale_text"]
    del items[index + 1]
    for item in items:  # recommendations of a merged-away cause follow the merged one
        if item.get("cause") == second["id"]:
            item["cause"] = first["id"]
    _tidy(payload)


SPLIT_MARK = "---"
_SPLIT_RE = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)


def split_suggestion(text: str) -> str:
    """The item's text with a split mark between its paragraphs and bullets, for the split page."""
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n(?=\s*[-*\u2022] )", text) if p.strip()]
    return f"\n{SPLIT_MARK}\n".join(parts)


def split_item(payload: dict, item_id: str, text: str) -> None:
    """Split an item where the text has a line of three dashes; each part keeps the source."""
    parts = [part.strip() for part in _SPLIT_RE.split(text) if part.strip()]
    if len(parts) < 2:
        raise DraftError(
            gettext(
                "Put a line with only %(SPLIT_MARK)s where each new item should start, or use “Change” to edit the text."
            )
            % {"SPLIT_MARK": SPLIT_MARK}
        )
    items = payload["items"]
    index = _index(items, item_id, "item")
    original = items[index]
    new_items = []
    for number, part in enumerate(parts):
        new = copy.deepcopy(original)
        new["text"] = part
        if number:
            new["id"] = _new_id(payload, "i")
            new["reference"] = ""
            new["explanation"] = new["force_comment"] = ""
        new_items.append(new)
    items[index : index + 1] = new_items
    for new in new_items[1:]:
        if _PREFIX.get(new["kind"]):
            new["reference"] = next_reference(payload, new["kind"])
    _tidy(payload)


def delete_item(payload: dict, item_id: str) -> None:
    """Remove an item from what will be imported; it stays under "Discarded" to restore."""
    items = payload["items"]
    index = _index(items, item_id, "item")
    item = items.pop(index)
    payload["discarded"].append(
        {
            "id": _new_id(payload, "d"),
            "what": "item",
            "text": item["text"],
            "spans": item["spans"],
            "item": item,
        }
    )
    _tidy(payload)


def unplace_item(payload: dict, item_id: str) -> None:
    """Send an item back to "not placed" (its text and its source)."""
    items = payload["items"]
    index = _index(items, item_id, "item")
    item = items.pop(index)
    payload["not_placed"].append(
        {
            "id": _new_id(payload, "n"),
            "text": item["text"],
            "spans": item["spans"],
            "where": "taken out of the proposed items",
        }
    )
    _sort_text(payload["not_placed"])
    _tidy(payload)


def add_item(payload: dict, *, kind: str, text: str, after: str | None = None) -> dict:
    """A new item typed by staff (it has no source in the document)."""
    if kind not in FINDING_KIND_LABELS:
        raise DraftError(gettext("Choose what kind of item to add."))
    if not text.strip():
        raise DraftError(gettext("Enter the text of the new item."))
    item = _blank_item(payload, kind, text.strip(), [], "added")
    item["reference"] = next_reference(payload, kind)
    items = payload["items"]
    position = _index(items, after, "item") + 1 if after else len(items)
    items.insert(position, item)
    return item


# --- Text that was not placed (or was recognised as layout) --------------------------------


def _sort_text(entries: list[dict]) -> None:
    entries.sort(key=lambda e: (_first_start(e) is None, _first_start(e) or 0))


def _text_entry(payload: dict, entry_id: str) -> tuple[list[dict], int]:
    for group in ("not_placed", "recognised"):
        for index, entry in enumerate(payload[group]):
            if entry["id"] == entry_id:
                return payload[group], index
    raise DraftError(gettext("That text is no longer in the draft: the page may be out of date."))


def place_text(payload: dict, entry_id: str, target: str) -> None:
    """Place a not-placed (or recognised) text as an item of a kind, or add it to comments."""
    group, index = _text_entry(payload, entry_id)
    entry = group[index]
    text = entry["text"].strip()
    if target in FINDING_KIND_LABELS:
        item = _blank_item(payload, target, text, entry["spans"], "placed")
        item["reference"] = next_reference(payload, target)
        payload["items"].insert(_position_for(payload, _order_key(entry)), item)
    elif target in COMMENT_TARGETS:
        response = payload["response"]
        comments = response[target]
        comments["text"] = (comments["text"].rstrip() + "\n\n" + text).strip()
        comments["spans"] = comments["spans"] + entry["spans"]
        response["present"] = response["include"] = True
    elif target == "title":
        payload["report"]["title"] = " ".join(text.split())[:300]
        payload["report"]["spans"]["title"] = entry["spans"]
    else:
        raise DraftError(gettext("Choose where to place the text."))
    del group[index]
    _tidy(payload)


def split_text(payload: dict, entry_id: str, source: str) -> None:
    """Split a not-placed run into its paragraphs, to place them one by one."""
    group, index = _text_entry(payload, entry_id)
    entry = group[index]
    spans = entry["spans"]
    if len(spans) < 2:
        paragraphs = [p for p in re.split(r"\n\s*\n", entry["text"]) if p.strip()]
        if len(paragraphs) < 2:
            raise DraftError(
                gettext("This text is a single paragraph: it cannot be split further.")
            )
        pieces = [(paragraph.strip(), spans) for paragraph in paragraphs]
    else:
        pieces = [(_source_text(source, [span]), [span]) for span in spans]
    new = [
        {
            "id": _new_id(payload, "n"),
            "text": text,
            "spans": [list(s) for s in piece_spans],
            "where": entry.get("where", ""),
        }
        for text, piece_spans in pieces
    ]
    group[index : index + 1] = new


def discard_text(payload: dict, entry_id: str) -> None:
    group, index = _text_entry(payload, entry_id)
    entry = group.pop(index)
    payload["discarded"].append(
        {
            "id": _new_id(payload, "d"),
            "what": "text",
            "text": entry["text"],
            "spans": entry["spans"],
            "where": entry.get("where", ""),
        }
    )


def discard_all_text(payload: dict) -> int:
    """Discard every not-placed text at once (the discarded list keeps them to restore)."""
    ids = [entry["id"] for entry in payload["not_placed"]]
    for entry_id in ids:
        discard_text(payload, entry_id)
    return len(ids)


def restore(payload: dict, discarded_id: str) -> None:
    discarded = payload["discarded"]
    index = _index(discarded, discarded_id, "discarded text")
    entry = discarded.pop(index)
    if entry["what"] == "item":
        item = entry["item"]
        payload["items"].insert(_position_for(payload, _order_key(item)), item)
        _tidy(payload)
    else:
        payload["not_placed"].append(
            {
                "id": entry["id"],
                "text": entry["text"],
                "spans": entry["spans"],
                "where": entry.get("where", ""),
            }
        )
        _sort_text(payload["not_placed"])


def _source_text(source: str, spans) -> str:
    lines = []
    for start, end in spans:
        chunk = source[start:end]
        lines.extend(
            parser.clean_line(line) for line in re.split(r"\r\n|[\n\r\u2028\u2029]", chunk)
        )
    return "\n".join(line for line in lines if line)


def source_text(source: str, spans) -> str:
    """The document's text at `spans`, cleaned for display."""
    return _source_text(source, spans)


# --- Judgements ----------------------------------------------------------------------------


def set_judgements(payload: dict, judgements: list[tuple[str, str, str]]) -> None:
    """Replace the graded judgements: (id or "", area, grade); an empty area removes it."""
    existing = {j["id"]: j for j in payload["judgements"]}
    kept = []
    for judgement_id, area, grade in judgements:
        if not area.strip():
            if judgement_id in existing:
                removed = existing[judgement_id]
                payload["discarded"].append(
                    {
                        "id": _new_id(payload, "d"),
                        "what": "text",
                        "text": f"{removed['area']}: {removed['grade']}",
                        "spans": removed["spans"],
                        "where": "a graded judgement",
                    }
                )
            continue
        if grade not in parser.GRADES:
            raise DraftError(gettext("Choose a grade for %(strip)s.") % {"strip": area.strip()})
        entry = existing.get(judgement_id) or {"id": _new_id(payload, "j"), "spans": []}
        entry = {**entry, "area": area.strip()[:200], "grade": grade}
        kept.append(entry)
    payload["judgements"] = kept


# --- Report and response details ----------------------------------------------------------


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def set_response_details(payload: dict, cleaned: dict) -> None:
    """The published response's details as the response form gives them."""
    response = payload["response"]
    response["include"] = bool(cleaned["include"])
    response["published_on"] = _iso(cleaned.get("published_on"))
    response["published_url"] = cleaned.get("published_url", "")
    response["office_comments"]["text"] = cleaned.get("office_comments", "").strip()
    response["force_comments"]["text"] = cleaned.get("force_comments", "").strip()
    response["force_comments"]["author_name"] = cleaned.get("force_comments_author_name", "")
    response["force_comments"]["author_role"] = cleaned.get("force_comments_author_role", "")
    response["reply_to_force"]["text"] = cleaned.get("reply_to_force", "").strip()
    for name in ("office_comments", "force_comments", "reply_to_force"):
        response[name]["text_cy"] = cleaned.get(f"{name}_cy", "").strip()
    response["signatory_name"] = cleaned.get("signatory_name", "")
    response["signatory_title"] = cleaned.get("signatory_title", "")
    ticked = set(cleaned.get("ticked") or [])
    for entry in response["checklist"]:
        entry["ticked"] = entry["id"] in ticked
    response["copies_sent_on"] = _iso(cleaned.get("copies_sent_on"))
    if response["include"]:
        response["present"] = True


def set_report_details(payload: dict, cleaned: dict) -> None:
    """The report's details as the report details form gives them."""
    report = payload["report"]
    report.update(
        title=cleaned["title"].strip(),
        published_on=_iso(cleaned["published_on"]),
        report_type=cleaned["report_type"],
        inspection_type_label=cleaned.get("inspection_type_label", "").strip(),
        scope=cleaned["scope"],
        forces=list(cleaned.get("forces") or []),
        grading_framework=cleaned["grading_framework"],
        hmicfrs_url=cleaned.get("hmicfrs_url", ""),
    )


#: Every correction staff can make to a draft, each a function above taking the payload first.
#: `import_draft_correct` applies only these.
CORRECTIONS = (
    set_report_details,
    set_response_details,
    set_judgements,
    update_item,
    add_item,
    move_item,
    merge_item_with_next,
    split_item,
    delete_item,
    unplace_item,
    place_text,
    split_text,
    discard_text,
    discard_all_text,
    restore,
)


# --- Ready to confirm? ---------------------------------------------------------------------


def check_ready(payload: dict, *, today: date) -> list[tuple[str, str]]:
    """What stops the draft being confirmed: (where on the page, message) pairs."""
    problems: list[tuple[str, str]] = []
    report = payload["report"]
    if not report["title"].strip():
        problems.append(("report-details", gettext("Enter the report's title.")))
    published = _date(report["published_on"])
    if published is None:
        problems.append(("report-details", gettext("Enter the date HMICFRS published the report.")))
    elif published > today:
        problems.append(
            (
                "report-details",
                gettext("The report's publication date cannot be in the future."),
            )
        )
    if payload["not_placed"]:
        count = len(payload["not_placed"])
        problems.append(
            (
                "not-placed",
                ngettext(
                    "Place or discard the %(count)s part of the text that could not be placed.",
                    "Place or discard the %(count)s parts of the text that could not be placed.",
                    count,
                )
                % {"count": count},
            )
        )
    for item in payload["items"]:
        if not item["text"].strip():
            problems.append(
                (
                    "item-%(value)s" % {"value": item["id"]},
                    gettext("An item has no text: enter it or delete it."),
                )
            )
    response = payload["response"]
    if response["include"]:
        response_date = _date(response["published_on"])
        if response_date is None:
            problems.append(
                (
                    "response-details",
                    gettext(
                        "Enter the date the response was published: the document does not say, and the on-time record depends on it."
                    ),
                )
            )
        elif published is not None and response_date < published:
            problems.append(
                (
                    "response-details",
                    gettext("The response cannot have been published before the report."),
                )
            )
        elif response_date > today:
            problems.append(
                (
                    "response-details",
                    gettext("The date the response was published cannot be in the future."),
                )
            )
        comments = response["office_comments"]
        if not (comments["text"].strip() or comments.get("text_cy", "").strip()):
            problems.append(
                (
                    "response-details",
                    gettext(
                        "The office's comments are empty: place them, or choose not to import a response."
                    ),
                )
            )
    return problems


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
