"""Tracker pages: scoping per organisation, updates with evidence, closure, append-only,
bulk change, "Track this", panel packs."""

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.services import user_set_language
from tests.factories import RecommendationFactory, UserFactory, make_response
from tests.public.test_welsh_pages import interface_text
from tracking.models import ClosureProposal, EvidenceFile, PanelPack, ProgressUpdate, TrackerItem
from tracking.rag import Status
from tracking.services import closure_propose, progress_update_add

from .conftest import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 300


def _client(client, user):
    client.force_login(user)
    return client


def _url(name, *args):
    return reverse(f"tracking:{name}", args=args)


# --- Who sees what ------------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(client, item):
    response = client.get(_url("item-list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_office_sees_its_own_items_only(client, items, suffolk_item, drafter):
    page = _client(client, drafter).get(_url("item-list"))

    shown = [row.pk for row in page.context["rows"]]
    assert sorted(shown) == sorted(i.pk for i in items)
    assert _client(client, drafter).get(_url("item-detail", suffolk_item.pk)).status_code == 404


def test_another_office_cannot_open_norfolks_items(client, item, suffolk_item, suffolk_drafter):
    page = _client(client, suffolk_drafter).get(_url("item-list"))

    assert [row.pk for row in page.context["rows"]] == [suffolk_item.pk]
    for name in ("item-detail", "update-add", "closure-propose", "item-edit"):
        assert client.get(_url(name, item.pk)).status_code == 404, name


def test_a_force_sees_only_its_forces_items(
    client, items, suffolk_item, force_person, suffolk_force_person
):
    norfolk_page = _client(client, force_person).get(_url("item-list"))
    assert sorted(r.pk for r in norfolk_page.context["rows"]) == sorted(i.pk for i in items)
    assert client.get(_url("item-detail", items[0].pk)).status_code == 200
    assert client.get(_url("item-detail", suffolk_item.pk)).status_code == 404

    suffolk_page = _client(client, suffolk_force_person).get(_url("item-list"))
    assert [r.pk for r in suffolk_page.context["rows"]] == [suffolk_item.pk]
    assert client.get(_url("item-detail", items[0].pk)).status_code == 404


def test_the_force_cannot_use_office_pages(client, item, force_person, norfolk):
    _client(client, force_person)
    response = make_response(report=item.finding.report, body=norfolk)

    assert client.get(_url("item-edit", item.pk)).status_code == 403
    assert client.get(_url("bulk-change") + f"?items={item.pk}").status_code == 403
    assert client.get(_url("pack-list")).status_code == 403
    assert client.get(_url("response-tracking", response.pk)).status_code == 403


# --- Updates and evidence ------------------------------------------------------------------------


def _post_update(client, item, **extra):
    today = timezone.localdate()
    data = {
        "date_day": today.day,
        "date_month": today.month,
        "date_year": today.year,
        "text": "Audit of 100 incidents done.",
        "status": "no_change",
        **extra,
    }
    return client.post(_url("update-add", item.pk), data)


def test_the_force_adds_an_update_with_evidence_and_both_organisations_can_download_it(
    client, item, force_person, drafter
):
    _client(client, force_person)
    response = _post_update(
        client, item, status=Status.IN_PROGRESS, files=[upload("Audit results.pdf", pdf_bytes())]
    )

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(item=item)
    assert (update.author, update.status_to) == (force_person, Status.IN_PROGRESS)
    evidence = EvidenceFile.objects.get(update=update)
    for person in (force_person, drafter):
        download = _client(client, person).get(_url("evidence-download", evidence.pk))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="Audit results.pdf"'
        with evidence.file.open("rb") as stored:
            assert b"".join(download.streaming_content) == stored.read()


def test_evidence_is_not_downloadable_by_another_office_or_force(
    client, item, force_person, suffolk_drafter, suffolk_force_person
):
    superuser_without_membership = UserFactory(is_staff=True, is_superuser=True)
    update = progress_update_add(
        item=item, acting_user=force_person, text="See file.", files=[upload("a.png", png_bytes())]
    )
    evidence = update.evidence.get()

    for person in (suffolk_drafter, suffolk_force_person, superuser_without_membership):
        assert _client(client, person).get(_url("evidence-download", evidence.pk)).status_code in (
            403,
            404,
        )


def test_a_renamed_executable_is_refused_on_the_page_and_nothing_is_saved(
    client, item, force_person
):
    _client(client, force_person)

    response = _post_update(client, item, files=[upload("report.pdf", EXECUTABLE)])

    assert response.status_code == 200
    assert "report.pdf is not a real PDF" in response.content.decode()
    assert not ProgressUpdate.objects.filter(item=item).exists()
    assert not EvidenceFile.objects.exists()


def test_an_oversize_file_is_refused_on_the_page(client, item, force_person, settings):
    settings.S55_EVIDENCE_MAX_BYTES = 500
    _client(client, force_person)

    response = _post_update(client, item, files=[upload("big.pdf", pdf_bytes() + b"%" * 600)])

    assert response.status_code == 200
    assert "the largest file you can upload is 500" in response.content.decode()
    assert not ProgressUpdate.objects.filter(item=item).exists()


def test_the_force_is_not_offered_statuses_only_the_office_may_set(
    client, item, force_person, drafter
):
    force_choices = dict(
        _client(client, force_person)
        .get(_url("update-add", item.pk))
        .context["form"]
        .fields["status"]
        .choices
    )
    office_choices = dict(
        _client(client, drafter)
        .get(_url("update-add", item.pk))
        .context["form"]
        .fields["status"]
        .choices
    )

    assert set(force_choices) == {"no_change", Status.IN_PROGRESS}
    assert set(office_choices) == {
        "no_change",
        Status.IN_PROGRESS,
        Status.SUPERSEDED,
        Status.NOT_ACCEPTED,
    }


# --- Append-only in the views -------------------------------------------------------------------------


def test_there_is_no_page_to_edit_or_delete_updates_evidence_or_packs():
    from tracking import urls

    names = {p.name for p in urls.urlpatterns}

    assert {n for n in names if "update" in n} == {"update-add"}
    assert {n for n in names if "evidence" in n} == {"evidence-download"}
    assert {n for n in names if "pack" in n} == {"pack-list", "pack-create", "pack-download"}
    for name in ("update-edit", "update-delete", "evidence-delete", "pack-delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"tracking:{name}", args=[1])


def test_edit_or_delete_attempts_on_an_update_are_refused(client, item, drafter):
    update = progress_update_add(item=item, acting_user=drafter, text="As recorded.")
    _client(client, drafter)
    base = _url("item-detail", item.pk)

    for path in (
        f"{base}updates/{update.pk}/",
        f"{base}updates/{update.pk}/edit/",
        f"{base}updates/{update.pk}/delete/",
    ):
        assert client.post(path, {"text": "Rewritten."}).status_code == 404, path
    assert client.delete(_url("update-add", item.pk)).status_code in (200, 405)

    assert ProgressUpdate.objects.get(pk=update.pk).text == "As recorded."
    assert ProgressUpdate.objects.filter(item=item).count() == 1


def test_a_correction_through_the_page_adds_an_update_and_keeps_the_original(client, item, drafter):
    original = progress_update_add(item=item, acting_user=drafter, text="1000 incidents.")
    _client(client, drafter)

    page = client.get(_url("update-add", item.pk) + f"?corrects={original.pk}")
    assert "1000 incidents." in page.content.decode()
    assert "status" not in page.context["form"].fields
    response = _post_update(client, item, text="100 incidents, not 1000.", corrects=original.pk)

    assert response.status_code == 302
    correction = ProgressUpdate.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original
    assert ProgressUpdate.objects.get(pk=original.pk).text == "1000 incidents."
    detail = client.get(_url("item-detail", item.pk)).content.decode()
    assert "1000 incidents." in detail and "100 incidents, not 1000." in detail
    assert "Corrected by" in detail


# --- Closure through the pages ---------------------------------------------------------------------


def test_closure_through_the_pages_proposer_cannot_decide(
    client, item, force_person, drafter, approver
):
    _client(client, force_person)
    today = timezone.localdate()
    proposed = client.post(
        _url("closure-propose", item.pk),
        {
            "date_day": today.day,
            "date_month": today.month,
            "date_year": today.year,
            "text": "Audit complete; results attached.",
            "files": [upload("results.pdf", pdf_bytes())],
        },
    )
    assert proposed.status_code == 302
    proposal = ClosureProposal.objects.get(item=item)
    decide = _url("closure-decide", item.pk, proposal.pk)

    assert client.get(decide).status_code == 403  # the force never decides
    assert (
        _client(client, approver).post(decide, {"decision": "refuse", "reason": ""}).status_code
        == 200
    )
    item.refresh_from_db()
    assert item.status == Status.PENDING_SIGN_OFF
    assert (
        client.post(decide, {"decision": "approve", "reason": "Evidence seen."}).status_code == 302
    )
    item.refresh_from_db()
    assert item.status == Status.COMPLETE


def test_an_office_proposer_is_told_someone_else_must_decide(client, item, drafter):
    proposal = closure_propose(item=item, acting_user=drafter, text="Done.")
    _client(client, drafter)
    decide = _url("closure-decide", item.pk, proposal.pk)

    page = client.get(decide)
    posted = client.post(decide, {"decision": "approve"})

    assert "someone else in the office must approve or refuse it" in page.content.decode()
    assert "Save the decision" not in page.content.decode()
    assert posted.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.PENDING_SIGN_OFF


# --- Bulk change, item details --------------------------------------------------------------------


def test_bulk_change_through_the_page(client, items, drafter, approver):
    _client(client, drafter)
    ids = [items[0].pk, items[1].pk]
    query = "&".join(f"items={pk}" for pk in ids)

    form = client.get(_url("bulk-change") + "?" + query)
    assert [i.pk for i in form.context["items"]] == ids
    done = client.post(
        _url("bulk-change"),
        {
            "items": ids,
            "office_lead": str(approver.pk),
            "status": Status.IN_PROGRESS,
            "reason": "Agreed.",
        },
    )

    assert done.status_code == 302
    assert set(
        TrackerItem.objects.filter(office_lead=approver, status=Status.IN_PROGRESS).values_list(
            "pk", flat=True
        )
    ) == set(ids)


def test_bulk_change_ignores_items_of_another_office(client, items, suffolk_item, suffolk_drafter):
    _client(client, suffolk_drafter)

    client.post(_url("bulk-change"), {"items": [items[0].pk, suffolk_item.pk], "area": "Changed"})

    assert TrackerItem.objects.get(pk=items[0].pk).area == ""
    assert TrackerItem.objects.get(pk=suffolk_item.pk).area == "Changed"


def test_changing_an_items_target_date_and_leads(client, item, drafter, force_person):
    _client(client, drafter)

    response = client.post(
        _url("item-edit", item.pk),
        {
            "office_lead": str(drafter.pk),
            "force_lead": str(force_person.pk),
            "target_date_day": "31",
            "target_date_month": "3",
            "target_date_year": "2027",
            "area": "Crime recording",
            "reason": "New plan agreed with the force.",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.office_lead, item.force_lead, str(item.target_date), item.area) == (
        drafter,
        force_person,
        "2027-03-31",
        "Crime recording",
    )
    detail = client.get(_url("item-detail", item.pk)).content.decode()
    assert "New plan agreed with the force." in detail


def test_a_long_reason_for_changing_an_item_is_kept_and_shown_whole(client, item, drafter):
    reason = "\n\n".join(
        f"Paragraph {n}: the panel moved the target date because the force's new case system "
        "goes live later than planned, and the audit depends on it."
        for n in range(1, 16)
    )
    assert len(reason) > 1500
    _client(client, drafter)

    response = client.post(
        _url("item-edit", item.pk),
        {
            "office_lead": "none",
            "force_lead": "none",
            "target_date_day": "31",
            "target_date_month": "3",
            "target_date_year": "2027",
            "area": "Crime recording",
            "reason": reason,
        },
    )

    assert response.status_code == 302
    assert item.history.first().history_change_reason == reason
    detail = unescape(client.get(_url("item-detail", item.pk)).content.decode())
    assert reason.replace("\n\n", "<br><br>") in detail


def test_bulk_change_keeps_a_long_reason_without_a_status_change(client, items, drafter):
    reason = "The panel asked for every item in this area to be led from the office. " * 20
    _client(client, drafter)

    done = client.post(
        _url("bulk-change"), {"items": [items[0].pk], "area": "Governance", "reason": reason}
    )

    assert done.status_code == 302
    assert items[0].history.first().history_change_reason == reason.strip()


# --- The list's report filter --------------------------------------------------------------------


@pytest.fixture
def two_reports(items, norfolk, drafter):
    """Norfolk tracks a second report's recommendation besides the three items of `report`."""
    from tests.factories import ReportFactory
    from tracking.services import tracker_item_create

    other = ReportFactory(title="Norfolk custody inspection 2021", forces=[norfolk.force])
    extra = tracker_item_create(
        finding=RecommendationFactory(report=other), policing_body=norfolk, acting_user=drafter
    )
    return other, extra


def test_a_link_lists_one_reports_items_and_names_it(client, two_reports, items, drafter):
    other, extra = two_reports

    page = _client(client, drafter).get(_url("item-list") + f"?report={other.pk}")

    assert [row.pk for row in page.context["rows"]] == [extra.pk]
    text = unescape(page.content.decode())
    assert f"Only the items of {other.title}." in text
    assert "Show every report's items" in text


def test_the_filter_form_does_not_list_every_report(client, two_reports, items, report, drafter):
    other, _ = two_reports

    page = _client(client, drafter).get(_url("item-list"))

    html = page.content.decode()
    assert f'<option value="{other.pk}"' not in html
    assert f'<option value="{report.pk}"' not in html
    assert 'name="report"' in html  # kept (empty) so that other filters keep a chosen report


def test_search_finds_items_by_their_reports_title(client, two_reports, items, drafter):
    _, extra = two_reports

    page = _client(client, drafter).get(_url("item-list") + "?q=custody")

    assert [row.pk for row in page.context["rows"]] == [extra.pk]


def test_another_offices_report_lists_nothing(client, items, suffolk_item, drafter):
    suffolk_report = suffolk_item.finding.report_id

    page = _client(client, drafter).get(_url("item-list") + f"?report={suffolk_report}")

    assert page.context["rows"] == []
    assert page.context["form"].errors


def test_the_track_page_links_to_the_reports_items(client, items, report, norfolk, drafter):
    response = make_response(report=report, body=norfolk, acting_user=drafter)

    page = _client(client, drafter).get(_url("response-tracking", response.pk))

    assert f'href="/tracker/?report={report.pk}"' in page.content.decode()


def test_the_list_pages_keep_the_sorted_order_across_pages(
    client, two_reports, items, drafter, monkeypatch
):
    from tracking import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = _client(client, drafter)
    export = client.get(_url("export-csv") + "?sort=report")
    everything = b"".join(export.streaming_content).decode("utf-8-sig")
    exported = [row["Reference"] for row in csv.DictReader(io.StringIO(everything))]

    shown = []
    for number in (1, 2):
        page = client.get(_url("item-list") + f"?sort=report&page={number}")
        shown += [row.reference for row in page.context["rows"]]

    assert shown == exported
    assert len(shown) == 4


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("rag", ["R1", "R2", "AFI1"]), ("status", ["R2", "AFI1", "R1"])],
)
def test_the_list_sorts_by_rag_or_status(client, items, drafter, sort, expected):
    # R1 is in progress and past its target date (red); R2 and AFI1 are open with no target
    # date (amber), R2 first by id.
    progress_update_add(
        item=items[0], acting_user=drafter, text="Started.", status=Status.IN_PROGRESS
    )

    page = _client(client, drafter).get(_url("item-list") + f"?sort={sort}")

    assert [row.reference for row in page.context["rows"]] == expected


# --- Track this --------------------------------------------------------------------------------------


def test_track_this_adds_a_recommendation_the_office_chose(client, report, norfolk, drafter):
    response = make_response(report=report, body=norfolk, acting_user=drafter)
    extra = RecommendationFactory(report=report, addressees=["home_office"])
    _client(client, drafter)

    page = client.get(_url("response-tracking", response.pk))
    assert page.context["untracked"] == 4
    client.post(_url("track", response.pk), {"finding": extra.pk})
    client.post(_url("track", response.pk), {"finding": "all"})

    tracked = set(
        TrackerItem.objects.filter(policing_body=norfolk).values_list("finding_id", flat=True)
    )
    assert tracked == set(report.findings.values_list("pk", flat=True))


def test_track_this_is_not_possible_on_another_offices_response(
    client, report, norfolk, suffolk_drafter
):
    response = make_response(report=report, body=norfolk)
    _client(client, suffolk_drafter)

    assert client.get(_url("response-tracking", response.pk)).status_code == 404
    assert client.post(_url("track", response.pk), {"finding": "all"}).status_code == 404
    assert not TrackerItem.objects.exists()


# --- Panel packs -------------------------------------------------------------------------------------


def test_the_office_makes_and_downloads_a_pack(client, items, drafter, suffolk_drafter):
    _client(client, drafter)
    today = timezone.localdate()

    made = client.post(
        _url("pack-create"),
        {"as_at_day": today.day, "as_at_month": today.month, "as_at_year": today.year, "title": ""},
    )
    assert made.status_code == 302
    pack = PanelPack.objects.get()
    download = client.get(_url("pack-download", pack.pk))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(pack.pdf)
    assert _client(client, suffolk_drafter).get(_url("pack-download", pack.pk)).status_code == 404


def _stored_pack(norfolk, drafter, title, data) -> PanelPack:
    """A pack stored directly (rendering a real one costs seconds: tests/tracking/test_packs.py)."""
    pack = PanelPack(
        policing_body=norfolk,
        title=title,
        as_at=timezone.localdate(),
        created_by=drafter,
        data=data,
        data_sha256="0" * 64,
        pdf=b"%PDF-1.7 stand-in of " + title.encode(),
        pdf_sha256="1" * 64,
    )
    pack.save()
    return pack


EARLIER_VERSION = {
    "en-gb": (
        "Made by an earlier version of this service, before packs held only what the public "
        "reads: it may contain internal updates and redacted text. Do not publish it; make a "
        "new pack."
    ),
    "cy": (
        "Fe'i gwnaed gan fersiwn gynharach o'r gwasanaeth hwn, cyn i becynnau gynnwys yr hyn y "
        "mae'r cyhoedd yn ei ddarllen yn unig: gall gynnwys diweddariadau mewnol a thestun a "
        "olygwyd. Peidiwch â'i gyhoeddi; gwnewch becyn newydd."
    ),
}


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_a_pack_made_before_packs_held_only_public_updates_is_marked_on_the_list(
    client, norfolk, drafter, language
):
    """Packs of format 1 (no "format" in their data) showed each item's latest update whole,
    public or not; each is marked not to be published, in the reader's language. Packs of
    format 2 are not."""
    _stored_pack(norfolk, drafter, "Old pack", {"items": []})
    _stored_pack(norfolk, drafter, "New pack", {"format": 2, "items": []})
    user_set_language(user=drafter, language=language)

    page = _client(client, drafter).get(_url("pack-list"))

    assert page.status_code == 200
    rows = [interface_text(row) for row in page.content.decode().split("<tr")[2:]]
    old, new = (next(r for r in rows if title in r) for title in ("Old pack", "New pack"))
    assert EARLIER_VERSION[language] in old
    assert EARLIER_VERSION[language] not in new
    assert interface_text(page.content.decode()).count(EARLIER_VERSION[language]) == 1


def test_a_pack_made_before_packs_held_only_public_updates_says_so_in_its_file_name(
    client, norfolk, drafter
):
    old = _stored_pack(norfolk, drafter, "Old pack", {"items": []})
    new = _stored_pack(norfolk, drafter, "New pack", {"format": 2, "items": []})
    _client(client, drafter)

    old_download = client.get(_url("pack-download", old.pk))
    new_download = client.get(_url("pack-download", new.pk))

    day = f"{timezone.localdate():%Y-%m-%d}"
    assert old_download["Content-Disposition"] == (
        f'attachment; filename="{norfolk.slug}-panel-pack-{day}-{old.pk}-earlier-version-do-not-publish.pdf"'
    )
    assert new_download["Content-Disposition"] == (
        f'attachment; filename="{norfolk.slug}-panel-pack-{day}-{new.pk}.pdf"'
    )
    # The stored document itself is frozen: served as it was made.
    assert old_download.content == b"%PDF-1.7 stand-in of Old pack" == bytes(old.pdf)


def test_a_pack_in_the_future_is_refused_on_the_page(client, drafter):
    _client(client, drafter)
    later = timezone.localdate() + timedelta(days=2)

    page = client.post(
        _url("pack-create"),
        {"as_at_day": later.day, "as_at_month": later.month, "as_at_year": later.year},
    )

    assert page.status_code == 200
    assert "As at must be the same as or before" in page.content.decode()
    assert not PanelPack.objects.exists()


def test_a_correction_of_an_unknown_or_other_items_update_is_not_found(client, items, drafter):
    other = progress_update_add(item=items[1], acting_user=drafter, text="On R2.")
    _client(client, drafter)
    url = _url("update-add", items[0].pk)

    assert client.get(url + "?corrects=abc").status_code == 404
    assert client.get(url + f"?corrects={other.pk}").status_code == 404
