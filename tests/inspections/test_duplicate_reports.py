"""A report several bodies respond to (national or multi-force) is recorded once: a second
record would give every body two clocks and two responses to one report. Refused with a
message naming the record to use (and the office's response already open); held by unique
constraints so two requests at once cannot both record it (PostgreSQL, threads)."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from inspections import services
from inspections.models import Report, ReportType, Scope
from inspections.services import DuplicateReportError, report_create
from responses.corrections import report_correct
from responses.importer.draft import DraftError
from responses.importer.selectors import matching_reports
from responses.importer.services import (
    import_draft_change,
    import_draft_confirm,
    import_draft_create,
)
from responses.models import Response
from tests.factories import MembershipFactory, UserFactory, force, office_user, policing_body
from tests.responses.importer.conftest import NORFOLK, fixture_text

pytestmark = pytest.mark.django_db

VETTING = {
    "title": "An inspection of vetting, misconduct and misogyny in the police service",
    "published_on": date(2022, 11, 2),
    "report_type": ReportType.NATIONAL_THEMATIC,
    "scope": Scope.NATIONAL,
    "hmicfrs_url": "https://hmicfrs.justiceinspectorates.gov.uk/publications/vetting-misconduct/",
}


@pytest.fixture
def offices():
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    return {
        "norfolk": norfolk,
        "suffolk": suffolk,
        "norfolk_drafter": office_user(norfolk),
        "suffolk_drafter": office_user(suffolk),
    }


def test_a_national_report_cannot_be_recorded_twice(offices):
    first = report_create(acting_user=offices["norfolk_drafter"], **VETTING)

    with pytest.raises(DuplicateReportError, match="This report is already recorded") as refused:
        report_create(
            acting_user=offices["suffolk_drafter"],
            **VETTING
            | {
                "title": "An inspection of  VETTING, misconduct and misogyny in the police service",
                "hmicfrs_url": "",
            },
        )

    assert refused.value.report == first
    assert Report.objects.count() == 1


def test_the_same_hmicfrs_address_is_the_same_report(offices):
    first = report_create(acting_user=offices["norfolk_drafter"], **VETTING)

    with pytest.raises(DuplicateReportError) as refused:
        report_create(
            acting_user=offices["suffolk_drafter"],
            **VETTING
            | {
                "title": "Vetting, misconduct and misogyny",
                "hmicfrs_url": VETTING["hmicfrs_url"].rstrip("/").upper(),
            },
        )

    assert refused.value.report == first


def test_a_multi_force_report_cannot_be_recorded_twice(offices):
    fields = VETTING | {"scope": Scope.MULTI_FORCE, "hmicfrs_url": ""}
    forces = [force("norfolk"), force("suffolk")]
    report_create(acting_user=offices["norfolk_drafter"], forces=forces, **fields)

    with pytest.raises(DuplicateReportError):
        report_create(acting_user=offices["suffolk_drafter"], forces=forces, **fields)


def test_force_specific_reports_of_the_same_name_are_each_forces_own(offices):
    fields = {
        "title": "Crime data integrity inspection 2019",
        "published_on": date(2020, 1, 7),
        "report_type": ReportType.CRIME_DATA_INTEGRITY,
        "scope": Scope.FORCE,
    }
    report_create(acting_user=offices["norfolk_drafter"], forces=[force("norfolk")], **fields)
    report_create(acting_user=offices["suffolk_drafter"], forces=[force("suffolk")], **fields)

    assert Report.objects.count() == 2


def test_the_database_holds_the_rule_without_the_service(offices):
    Report.objects.create(**VETTING)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**VETTING | {"hmicfrs_url": "", "title": VETTING["title"].upper()})
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**VETTING | {"title": "Another title"})


def test_a_correction_cannot_make_a_second_record_of_a_report(offices):
    report_create(acting_user=offices["norfolk_drafter"], **VETTING)
    later = report_create(
        acting_user=offices["norfolk_drafter"],
        **VETTING | {"published_on": date(2022, 11, 3), "hmicfrs_url": ""},
    )
    maintainer = MembershipFactory(
        user=UserFactory(), role="register_maintainer", policing_body=None, force=None
    ).user

    with pytest.raises(DuplicateReportError):
        report_correct(
            report=later,
            published_on=date(2022, 11, 2),
            reason="Same day.",
            acting_user=maintainer,
        )

    later.refresh_from_db()
    assert later.published_on == date(2022, 11, 3)


def test_the_record_page_links_to_the_report_and_the_offices_open_response(client, offices):
    from responses.services import responses_create_for_report

    first = report_create(acting_user=offices["norfolk_drafter"], **VETTING)
    responses_create_for_report(report=first, acting_user=offices["norfolk_drafter"])
    suffolk_response = Response.objects.get(report=first, policing_body=offices["suffolk"])
    client.force_login(offices["suffolk_drafter"])

    page = client.post(
        reverse("inspections:report-create"),
        {
            "title": VETTING["title"],
            "published_on_day": "2",
            "published_on_month": "11",
            "published_on_year": "2022",
            "report_type": VETTING["report_type"],
            "inspection_type_label": "Thematic",
            "scope": Scope.NATIONAL,
            "lead_inspectorate": "hmicfrs",
            "grading_framework": "none",
            "summary": "",
        },
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "This report is already recorded" in html
    assert reverse("inspections:report-detail", args=[first.pk]) in html
    assert reverse("responses:detail", args=[suffolk_response.pk]) in html
    assert Report.objects.count() == 1


# --- the importer -----------------------------------------------------------------------------


def _national_draft(office, user):
    draft = import_draft_create(policing_body=office, acting_user=user, text=fixture_text(NORFOLK))

    def national(payload, _text):
        payload["report"]["scope"] = Scope.NATIONAL
        payload["report"]["forces"] = []
        payload["report"]["hmicfrs_url"] = VETTING["hmicfrs_url"]
        payload["response"]["include"] = False

    return import_draft_change(draft=draft, acting_user=user, change=national)


def test_the_importer_offers_the_report_already_recorded_and_refuses_a_second_record(offices):
    import_draft_confirm(
        draft=_national_draft(offices["norfolk"], offices["norfolk_drafter"]),
        acting_user=offices["norfolk_drafter"],
    )
    second = _national_draft(offices["suffolk"], offices["suffolk_drafter"])

    def retitled(payload, _text):
        payload["report"]["title"] = "A different title for the same report"

    second = import_draft_change(
        draft=second, acting_user=offices["suffolk_drafter"], change=retitled
    )
    assert [r.pk for r in matching_reports(second.payload)] == [Report.objects.get().pk]
    with pytest.raises(DraftError, match="This report is already recorded"):
        import_draft_confirm(draft=second, acting_user=offices["suffolk_drafter"])

    assert Report.objects.count() == 1


# --- two requests at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_offices_recording_the_same_national_report_at_once_make_one_record(
    postgres_required, offices, monkeypatch
):
    # Both requests check for a duplicate, find none, then insert at the same moment.
    barrier = threading.Barrier(2, timeout=30)
    original = services.duplicate_of
    checked = threading.local()

    def check_then_wait(report):
        found = original(report)
        if not getattr(checked, "done", False):
            checked.done = True
            barrier.wait()
        return found

    monkeypatch.setattr(services, "duplicate_of", check_then_wait)
    outcomes: list = [None, None]

    def record(n):
        try:
            with transaction.atomic():
                user = offices["norfolk_drafter" if n else "suffolk_drafter"]
                outcomes[n] = report_create(acting_user=user, **VETTING)
        except DuplicateReportError as error:
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    recorded = [o for o in outcomes if isinstance(o, Report)]
    refused = [o for o in outcomes if isinstance(o, DuplicateReportError)]
    assert len(recorded) == 1 and len(refused) == 1, outcomes
    assert refused[0].report == recorded[0]
    assert Report.objects.count() == 1
