"""Packs for the office's scrutiny body (its Police and Crime Panel or equivalent): taken as at a date, frozen, never recomputed; they list what
changed since the previous pack."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from core.markup import render_markup
from tests.factories import RecommendationFactory, ReportFactory, office_user, policing_body
from tracking.models import AppendOnlyError, PanelPack
from tracking.packs import canonical_json, render_pack_html, sha256
from tracking.publicity import Decision
from tracking.rag import Status
from tracking.services import (
    closure_decide,
    closure_propose,
    panel_pack_create,
    progress_redaction_add,
    progress_redaction_remove,
    progress_update_add,
    public_proposal_decide,
    tracker_item_create,
)
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def days():
    today = timezone.localdate()
    return {
        "today": today,
        "week_ago": today - timedelta(days=7),
        "fortnight": today - timedelta(days=14),
    }


def test_a_pack_freezes_each_open_items_status_and_latest_update(
    items, norfolk, drafter, force_person, days
):
    r1, r2, afi = items
    update = progress_update_add(
        item=r1,
        acting_user=force_person,
        text="Audit of 100 incidents done.",
        status=Status.IN_PROGRESS,
        date=days["fortnight"],
        is_public=True,
    )
    public_proposal_decide(
        proposal=update.public_proposal, acting_user=drafter, decision=Decision.APPROVED
    )
    closure_decide(
        proposal=closure_propose(item=r2, acting_user=force_person, text="Done."),
        acting_user=drafter,
        approve=True,
    )

    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    rows = {row["label"]: row for row in pack.data["items"]}
    assert set(rows) == {"R1", "AFI1"}  # R2 is complete: not open
    assert rows["R1"]["status"] == Status.IN_PROGRESS
    assert rows["R1"]["latest_update"]["text"] == "Audit of 100 incidents done."
    assert rows["R1"]["latest_update"]["author"] == "Frankie Force"
    assert rows["R1"]["target_date"] == "2020-07-07"
    assert rows["R1"]["rag"] == "red" and rows["R1"]["overdue"] is True
    assert rows["AFI1"]["latest_update"] is None
    assert pack.data["summary"]["open"] == 2
    assert pack.pdf.startswith(b"%PDF-")
    assert pack.pdf_sha256 == sha256(bytes(pack.pdf))
    assert pack.data_sha256 == sha256(canonical_json(pack.data))
    text = _pdf_text(bytes(pack.pdf))
    assert "Audit of 100 incidents done." in text
    assert "Norfolk" in text


def test_a_pack_taken_at_a_date_does_not_change_when_later_updates_are_added(
    item, norfolk, drafter, force_person, days
):
    progress_update_add(
        item=item, acting_user=drafter, text="Plan agreed.", date=days["fortnight"], is_public=True
    )
    pack = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    stored_pdf, stored_data = bytes(pack.pdf), pack.data

    # Later updates, one even dated before the pack's date, and a status change.
    progress_update_add(
        item=item,
        acting_user=drafter,
        text="Back-dated note.",
        date=days["week_ago"],
        is_public=True,
    )
    progress_update_add(
        item=item, acting_user=force_person, text="Started.", status=Status.IN_PROGRESS
    )

    again = PanelPack.objects.get(pk=pack.pk)
    assert bytes(again.pdf) == stored_pdf
    assert again.data == stored_data
    assert again.pdf_sha256 == sha256(stored_pdf)
    row = next(r for r in again.data["items"] if r["id"] == item.pk)
    assert row["latest_update"]["text"] == "Plan agreed."
    assert row["status"] == Status.OPEN


def test_a_pack_as_at_an_earlier_date_leaves_out_what_happened_after_it(
    item, norfolk, drafter, force_person, days
):
    progress_update_add(
        item=item, acting_user=drafter, text="Plan agreed.", date=days["fortnight"], is_public=True
    )
    progress_update_add(
        item=item, acting_user=force_person, text="Started.", status=Status.IN_PROGRESS
    )

    pack = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)

    row = next(r for r in pack.data["items"] if r["id"] == item.pk)
    assert row["status"] == Status.OPEN
    assert row["latest_update"]["text"] == "Plan agreed."


def test_a_pack_lists_what_changed_since_the_previous_pack(
    items, norfolk, drafter, approver, force_person, days
):
    r1, r2, afi = items
    for item in (r1, r2):
        progress_update_add(
            item=item, acting_user=force_person, text="Plan agreed.", date=days["fortnight"]
        )
    first = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    assert {row["label"] for row in first.data["items"]} == {"R1", "R2"}
    progress_update_add(
        item=r1, acting_user=drafter, text="Started.", status=Status.IN_PROGRESS, is_public=True
    )
    progress_update_add(item=r1, acting_user=drafter, text="More done.", is_public=True)
    closure_decide(
        proposal=closure_propose(item=r2, acting_user=force_person, text="Done."),
        acting_user=approver,
        approve=True,
    )

    second = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    assert second.previous == first
    changes = {c["label"]: c for c in second.data["changes"]}
    assert changes["R1"]["what"] == ["Status changed from open to in progress", "2 new updates"]
    assert _row(second, r1)["updates_since_previous"] == 2
    assert changes["R2"]["what"][0] == "Status changed from open to complete"
    assert changes["R2"]["in_pack"] is False
    assert changes["AFI1"]["what"] == ["New in this pack"]
    assert "Status changed from open to complete" in _pdf_text(bytes(second.pdf))


def test_the_first_pack_says_there_is_nothing_to_compare_with(items, norfolk, drafter, days):
    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    assert pack.previous is None
    assert pack.data["changes"] == []
    assert "first pack" in _pdf_text(bytes(pack.pdf))


def test_items_tracked_after_the_date_are_not_in_the_pack(items, norfolk, drafter, days):
    pack = panel_pack_create(
        policing_body=norfolk, as_at=days["today"] - timedelta(days=1), acting_user=drafter
    )

    assert pack.data["items"] == []


def test_a_pack_cannot_be_taken_in_the_future_or_by_the_force(norfolk, drafter, force_person):
    with pytest.raises(TrackingError, match="future"):
        panel_pack_create(
            policing_body=norfolk,
            as_at=timezone.localdate() + timedelta(days=1),
            acting_user=drafter,
        )
    with pytest.raises(TrackingError, match="Only the office's staff"):
        panel_pack_create(policing_body=norfolk, as_at=date(2025, 1, 1), acting_user=force_person)


def test_a_pack_refuses_to_be_saved_again_or_deleted(items, norfolk, drafter, days):
    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    pack.title = "Changed"
    with pytest.raises(AppendOnlyError):
        pack.save()
    with pytest.raises(AppendOnlyError):
        pack.delete()
    with pytest.raises(AppendOnlyError):
        PanelPack.objects.filter(pk=pack.pk).update(pdf=b"")


def test_a_pack_names_the_offices_scrutiny_body_and_each_inspectorate_by_its_date(
    items, norfolk, drafter, days
):
    """Norfolk's pack goes to the Norfolk Police and Crime Panel; its items come from a 2020
    report (HMICFRS) and, here, a 2016 one (HMIC, before the 19 July 2017 renaming)."""
    old = ReportFactory(title="Norfolk 2016 inspection", published_on=date(2016, 3, 10))
    tracker_item_create(
        finding=RecommendationFactory(report=old), policing_body=norfolk, acting_user=drafter
    )

    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)
    html = render_pack_html(pack.data).replace("&#x27;", "'").replace("&amp;", "&")

    assert "A report to the Norfolk Police and Crime Panel on the progress of" in html
    assert (
        "made by Her Majesty's Inspectorate of Constabulary (HMIC) and Her Majesty's "
        "Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)."
    ) in html


def test_a_pack_of_an_office_without_a_scrutiny_body_is_addressed_to_nobody(db, days):
    city = policing_body("city-of-london-common-council")
    drafter = office_user(city, Membership.Role.OPCC_DRAFTER)

    pack = panel_pack_create(policing_body=city, as_at=days["today"], acting_user=drafter)
    html = render_pack_html(pack.data)

    assert "A report on the progress of City of London Police" in html
    assert "Panel" not in html


# --- What of an update the pack shows: what the public reads -----------------------------------


def _row(pack, item) -> dict:
    return next(r for r in pack.data["items"] if r["id"] == item.pk)


def _pack_text(pack) -> str:
    """The pack's stored JSON and the words of its PDF."""
    return canonical_json(pack.data) + "\n" + _pdf_text(bytes(pack.pdf))


def test_a_redacted_passage_of_a_public_update_is_not_in_the_pack(item, norfolk, drafter, days):
    progress_update_add(
        item=item,
        acting_user=drafter,
        text="Jane Smith audited 100 incidents.",
        date=days["fortnight"],
        is_public=True,
        redactions=[{"passage": "Jane Smith", "reason": "personal_data"}],
    )

    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    row = next(r for r in pack.data["items"] if r["id"] == item.pk)
    assert row["latest_update"]["text"] == "[redacted: personal data] audited 100 incidents."
    assert "Jane Smith" not in _pack_text(pack)
    assert "[redacted: personal data] audited 100 incidents." in _pdf_text(bytes(pack.pdf))
    assert "Latest public update" in _pdf_text(bytes(pack.pdf))


def test_an_internal_update_is_not_in_the_pack_the_latest_public_one_is(
    items, norfolk, drafter, days
):
    r1, r2, afi = items
    progress_update_add(
        item=r1, acting_user=drafter, text="Plan agreed.", date=days["fortnight"], is_public=True
    )
    progress_update_add(
        item=r1, acting_user=drafter, text="Chief officer unhappy with the plan.", is_public=False
    )
    progress_update_add(item=r2, acting_user=drafter, text="Lead on sick leave.")

    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    rows = {row["label"]: row for row in pack.data["items"]}
    assert rows["R1"]["latest_update"]["text"] == "Plan agreed."
    assert rows["R2"]["latest_update"] is None
    text = _pack_text(pack)
    assert "Chief officer unhappy" not in text
    assert "sick leave" not in text
    assert "No public update yet." in _pdf_text(bytes(pack.pdf))


def test_a_forces_update_waiting_for_the_office_and_a_withdrawn_update_are_not_in_the_pack(
    items, norfolk, drafter, force_person, days
):
    r1, r2, afi = items
    progress_update_add(
        item=r1, acting_user=force_person, text="Force: proposed text.", is_public=True
    )
    wrong = progress_update_add(
        item=r2,
        acting_user=drafter,
        text="Wrong team named.",
        date=days["fortnight"],
        is_public=True,
    )
    # The correction is dated after the pack's date, but it withdrew the text from the public.
    progress_update_add(
        item=r2, acting_user=drafter, text="Right team.", is_public=True, corrects=wrong
    )

    pack = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)

    rows = {row["label"]: row for row in pack.data["items"]}
    assert rows["R2"]["latest_update"] is None
    text = _pack_text(pack)
    assert "Wrong team named." not in text
    assert "Right team." not in text  # dated after the pack's date

    today = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)
    rows = {row["label"]: row for row in today.data["items"]}
    assert rows["R1"]["latest_update"] is None
    assert "Force: proposed text." not in _pack_text(today)
    assert rows["R2"]["latest_update"]["text"] == "Right team."


def test_only_public_updates_are_counted_as_new_since_the_previous_pack(
    items, norfolk, drafter, force_person, days
):
    """The count of new updates would otherwise tell the panel, and the public reading its
    papers, that internal activity happened: it counts what the pack may show, by the public
    page's rule."""
    r1, r2, afi = items
    for item in (r1, r2):
        progress_update_add(
            item=item, acting_user=drafter, text="Plan agreed.", date=days["fortnight"]
        )
    first = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    # R1: only internal activity since: a private note, a force's public text waiting for the
    # office, and a public update a correction withdrew (the correction private).
    progress_update_add(item=r1, acting_user=drafter, text="Chief officer unhappy.")
    progress_update_add(item=r1, acting_user=force_person, text="Proposed.", is_public=True)
    wrong = progress_update_add(item=r1, acting_user=drafter, text="Wrong.", is_public=True)
    progress_update_add(item=r1, acting_user=drafter, text="Withdrawn.", corrects=wrong)
    # R2: one internal update and one public one.
    progress_update_add(item=r2, acting_user=drafter, text="Lead on sick leave.")
    progress_update_add(item=r2, acting_user=drafter, text="Audit begun.", is_public=True)

    second = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    assert second.previous == first
    changes = {c["label"]: c for c in second.data["changes"]}
    assert "R1" not in changes
    assert _row(second, r1)["updates_since_previous"] == 0
    assert changes["R2"]["what"] == ["1 new update"]
    assert _row(second, r2)["updates_since_previous"] == 1
    text = _pdf_text(bytes(second.pdf))
    assert "1 new update" in text and "new updates" not in text


def test_a_pack_uses_the_redactions_in_force_when_it_is_made_not_on_its_date(
    item, norfolk, drafter, days
):
    """A passage redacted after the pack's "as at" date is redacted in a pack made after the
    redaction; a pack made before it keeps what it was made with (never recomputed)."""
    update = progress_update_add(
        item=item,
        acting_user=drafter,
        text="Met DS Jones at the station.",
        date=days["fortnight"],
        is_public=True,
    )
    before = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    stored_pdf = bytes(before.pdf)

    row = progress_redaction_add(
        update=update, passage="DS Jones", reason="personal_data", acting_user=drafter
    )
    after = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)

    assert "DS Jones" not in _pack_text(after)
    assert "[redacted: personal data]" in _pdf_text(bytes(after.pdf))
    again = PanelPack.objects.get(pk=before.pk)
    assert bytes(again.pdf) == stored_pdf and again.pdf_sha256 == sha256(stored_pdf)
    assert "DS Jones" in _row(again, item)["latest_update"]["text"]

    # Removing the redaction publishes the passage again, in later packs as on the public page.
    progress_redaction_remove(redaction_id=row.pk, acting_user=drafter)
    last = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    assert _row(last, item)["latest_update"]["text"] == "Met DS Jones at the station."


def test_a_pack_of_the_first_format_still_renders_as_it_was_made(item, norfolk, drafter, days):
    """Packs made before the pack showed only public updates (format 1) say "Latest update",
    not "Latest public update", if their stored data is ever rendered again."""
    progress_update_add(
        item=item, acting_user=drafter, text="Plan agreed.", date=days["fortnight"], is_public=True
    )
    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)
    assert pack.data["format"] == 2

    old = render_pack_html({**pack.data, "format": 1})

    assert "Latest update," in old and "Latest public update" not in old
    assert "Latest public update," in render_pack_html(pack.data)


def test_a_pack_made_in_welsh_shows_a_closure_decisions_words_in_welsh(
    item, norfolk, drafter, force_person, days
):
    """A refusal's update read "Closure refused: ..." in English inside a Welsh pack, and the
    pack said it was English (`<html lang="en-GB">`). Made in Welsh, the pack is Welsh, the
    product's words are Welsh and the office's reason is as written, marked as English, as on
    the item page (`progress_text`)."""
    from django.utils import translation

    closure_decide(
        proposal=closure_propose(item=item, acting_user=force_person, text="Done."),
        acting_user=drafter,
        approve=False,
        reason="No audit results.",
        is_public=True,
    )
    with translation.override("cy"):
        pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)
        html = render_pack_html(pack.data)

    row = _row(pack, item)
    assert row["latest_update"]["text"] == "Closure refused: No audit results."  # stored English
    assert '<html lang="cy">' in html
    assert 'Gwrthodwyd cau: <span lang="en-GB">No audit results.</span>' in html
    assert "Closure refused" not in html
    assert row["latest_update"]["kind"] == "closure_refused"
    assert "Gwrthodwyd cau: No audit results." in _pdf_text(bytes(pack.pdf))


def test_a_pack_made_in_english_shows_a_closure_decision_as_written(
    item, norfolk, drafter, force_person, days
):
    closure_decide(
        proposal=closure_propose(item=item, acting_user=force_person, text="Done."),
        acting_user=drafter,
        approve=False,
        reason="No audit results.",
        is_public=True,
    )
    pack = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)
    html = render_pack_html(pack.data)

    assert '<html lang="en-GB">' in html
    assert render_markup("Closure refused: No audit results.") in html  # as it always was
    assert 'lang="en-GB"' not in html.split("<body>")[1]
