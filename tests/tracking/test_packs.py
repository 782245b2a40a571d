"""Packs for the office's scrutiny body (its Police and Crime Panel or equivalent): taken as at a date, frozen, never recomputed; they list what
changed since the previous pack."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from tests.factories import RecommendationFactory, ReportFactory, office_user, policing_body
from tracking.models import AppendOnlyError, PanelPack
from tracking.packs import canonical_json, render_pack_html, sha256
from tracking.rag import Status
from tracking.services import (
    closure_decide,
    closure_propose,
    panel_pack_create,
    progress_update_add,
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
    progress_update_add(
        item=r1,
        acting_user=force_person,
        text="Audit of 100 incidents done.",
        status=Status.IN_PROGRESS,
        date=days["fortnight"],
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
        item=item, acting_user=force_person, text="Plan agreed.", date=days["fortnight"]
    )
    pack = panel_pack_create(policing_body=norfolk, as_at=days["week_ago"], acting_user=drafter)
    stored_pdf, stored_data = bytes(pack.pdf), pack.data

    # Later updates, one even dated before the pack's date, and a status change.
    progress_update_add(
        item=item, acting_user=force_person, text="Back-dated note.", date=days["week_ago"]
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
        item=item, acting_user=force_person, text="Plan agreed.", date=days["fortnight"]
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
        item=r1, acting_user=force_person, text="Started.", status=Status.IN_PROGRESS
    )
    progress_update_add(item=r1, acting_user=force_person, text="More done.")
    closure_decide(
        proposal=closure_propose(item=r2, acting_user=force_person, text="Done."),
        acting_user=approver,
        approve=True,
    )

    second = panel_pack_create(policing_body=norfolk, as_at=days["today"], acting_user=drafter)

    assert second.previous == first
    changes = {c["label"]: c for c in second.data["changes"]}
    assert changes["R1"]["what"] == ["Status changed from open to in progress", "2 new updates"]
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
