"""The recommendation register (public/register.py), a report's page of every body's response,
and the statistics over time (public/trends.py): what they show, their filters, and that they
show only what was published (the marker crawl covers leaks across every URL)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import PolicingBody
from inspections.models import Addressee, Finding, ReportType, Scope, Theme
from inspections.services import finding_set_themes
from public.models import PublishedItem
from tests.factories import RecommendationFactory, ReportFactory, force_user, policing_body
from tracking.models import TrackerItem
from tracking.rag import Status
from tracking.services import progress_update_add, public_proposal_decide

from .conftest import publish, run_on_commit

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def _api(client, **params) -> dict:
    response = client.get(reverse("public:api-register-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _item(response, number=1) -> TrackerItem:
    return TrackerItem.objects.get(
        policing_body=response.policing_body,
        finding__report=response.report,
        finding__kind=Finding.Kind.RECOMMENDATION,
        finding__position=min(
            f.position
            for f in response.report.findings.recommendations().order_by("position")[
                number - 1 : number
            ]
        ),
    )


def test_the_register_lists_every_published_item_with_its_public_progress(client):
    norfolk = publish(title="Custody inspection", recommendations=2, afis=1)
    publish(body=policing_body("suffolk-pcc"), title="Vetting inspection", recommendations=1)
    item = _item(norfolk)
    run_on_commit(
        progress_update_add,
        item=item,
        acting_user=norfolk.drafter,
        text="Work has begun on the custody audit.",
        date=date(2020, 3, 5),
        status=Status.IN_PROGRESS,
        is_public=True,
    )

    api = _api(client, page_size=200)
    assert api["count"] == 5  # 3 from Norfolk (2 recommendations, 1 AFI), 2 from Suffolk
    row = next(r for r in api["results"] if r["finding_id"] == item.finding_id)
    assert row["public_status"] == "in_progress"
    assert row["last_public_update_on"] == "2020-03-05"
    assert row["policing_body"] == "norfolk-pcc" and row["force"] == "norfolk"
    assert row["explanation_kind"] == "action_proposed"
    assert row["response_url"].endswith(reverse("public:response", args=[norfolk.pk]))
    assert row["report_page_url"].endswith(reverse("public:report", args=[norfolk.report_id]))

    page = client.get(reverse("public:register")).content.decode()
    assert "5 items" in page
    assert "Custody inspection" in page and "Vetting inspection" in page
    assert "In progress" in page
    assert "5 March 2020" in page
    assert reverse("public:response", args=[norfolk.pk]) in page
    assert reverse("public:report", args=[norfolk.report_id]) in page


def test_a_status_the_force_proposed_is_not_public_until_the_office_approves_it(client):
    response = publish(title="Custody inspection")
    item = _item(response)
    force = force_user(response.policing_body.force)
    update = run_on_commit(
        progress_update_add,
        item=item,
        acting_user=force,
        text="We have started.",
        date=date(2020, 3, 1),
        status=Status.IN_PROGRESS,
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS  # the staff's working view

    def shown():
        rows = _api(client, page_size=200)["results"]
        return next(r["public_status"] for r in rows if r["finding_id"] == item.finding_id)

    assert shown() == "open"
    assert _api(client, status="in_progress")["count"] == 0
    run_on_commit(
        public_proposal_decide,
        proposal=update.public_proposal,
        acting_user=response.drafter,
        decision="approved",
    )
    assert shown() == "in_progress"


def test_the_filters_agree_on_the_page_the_csv_and_the_api(client):
    norfolk = publish(title="Custody inspection", recommendations=2, afis=1)
    suffolk = publish(
        body=policing_body("suffolk-pcc"),
        title="Vetting inspection",
        recommendations=1,
        afis=0,
        report_published_on=date(2021, 2, 1),
        published_on=date(2021, 3, 1),
    )
    # As published: the Suffolk recommendation is addressed to the Home Office only.
    PublishedItem.objects.filter(record__response=suffolk).update(
        addressees=[Addressee.HOME_OFFICE]
    )
    # A target date long passed on Norfolk's first recommendation, open in its tracker.
    first = _item(norfolk)
    PublishedItem.objects.filter(finding=first.finding).update(target_date=date(2020, 6, 1))

    cases = {
        "office=suffolk-pcc": 1,
        "force=norfolk": 3,
        "year=2021": 1,
        "kind=afi": 1,
        "status=open": 4,
        "status=not_tracked": 0,
        "overdue=true": 1,
        "report_type=cdi": 4,
    }
    for query, expected in cases.items():
        name, value = query.split("=")
        assert _api(client, **{name: value})["count"] == expected, query
        assert len(_csv_rows(client.get(reverse("public:register-csv"), {name: value}))) == (
            expected
        ), query
        page = client.get(reverse("public:register"), {name: value}).content.decode()
        assert f"{expected} item" in page, query
    assert _api(client, addressee="home_office")["count"] == 1
    assert _api(client, addressee="npcc")["count"] == 0


def test_searching_the_register_finds_words_of_recommendations_and_explanations(client):
    publish(title="Custody inspection", explanation="The commissioner funds a xylophone audit.")
    publish(body=policing_body("suffolk-pcc"), title="Vetting inspection")
    assert _api(client, q="xylophone")["count"] == 3  # 2 recommendations and 1 AFI
    assert _api(client, q="vetting")["count"] == 3
    assert _api(client, q="nothingmatchesthis")["count"] == 0
    page = client.get(reverse("public:register"), {"q": "xylophone"}).content.decode()
    assert "3 items found" in page


def test_the_register_sorts_by_the_order_chosen(client):
    old = publish(
        title="Older inspection",
        recommendations=1,
        afis=0,
        report_published_on=date(2019, 1, 7),
        published_on=date(2019, 2, 1),
    )
    new = publish(
        body=policing_body("suffolk-pcc"), title="Newer inspection", recommendations=1, afis=0
    )
    newest = [r["response_id"] for r in _api(client)["results"]]
    oldest = [r["response_id"] for r in _api(client, sort="oldest")["results"]]
    assert newest == [new.pk, old.pk]
    assert oldest == [old.pk, new.pk]
    assert [r["policing_body"] for r in _api(client, sort="body")["results"]] == [
        "norfolk-pcc",
        "suffolk-pcc",
    ]


def test_an_unknown_filter_value_is_refused(client):
    assert client.get(reverse("public:api-register-list"), {"status": "draft"}).status_code == 400
    assert client.get(reverse("public:api-register-list"), {"colour": "red"}).status_code == 400
    page = client.get(reverse("public:register"), {"status": "draft"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


@pytest.fixture
def national():
    """A national thematic report answered by Norfolk (on time) and Suffolk (late); Essex and
    every other body have published nothing."""
    report = ReportFactory(
        title="Vetting, misconduct and misogyny",
        published_on=date(2022, 11, 2),  # due Tuesday 27 December 2022
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
        forces=[],
    )
    RecommendationFactory(report=report, text="Chief constables should check vetting.")
    RecommendationFactory(report=report, text="The College should publish guidance.")
    norfolk = publish(
        body=policing_body("norfolk-pcc"), report=report, published_on=date(2022, 12, 20)
    )
    suffolk = publish(
        body=policing_body("suffolk-pcc"),
        report=report,
        published_on=date(2023, 1, 3),
        late_reason="The panel met late.",
        explanation="Suffolk will review vetting at its board.",
    )
    return report, norfolk, suffolk


def test_a_national_reports_page_shows_every_body_and_what_each_said(client, national):
    report, norfolk, suffolk = national
    page = client.get(reverse("public:report", args=[report.pk])).content.decode()
    assert "Vetting, misconduct and misogyny" in page
    assert f"2 of the {PolicingBody.objects.count()} policing bodies" in page
    assert "Tuesday 27 December 2022" in page
    assert reverse("public:response", args=[norfolk.pk]) in page
    assert reverse("public:response", args=[suffolk.pk]) in page
    assert "Published on time" in page
    assert "7 days late" in page  # 3 January 2023 is 7 days after 27 December 2022
    # Essex published nothing, and the 56 days are over.
    assert page.count("Not published here") == PolicingBody.objects.count() - 2
    assert "The 56 days ended on 27 December 2022" in page
    # Who said what about recommendation 1.
    assert "Chief constables should check vetting." in page
    assert "Suffolk will review vetting at its board." in page


def test_a_report_without_a_published_response_has_no_page(client):
    report = ReportFactory(title="Nobody answered")
    assert client.get(reverse("public:report", args=[report.pk])).status_code == 404


def test_the_statistics_show_rates_grades_and_open_recommendations(client, national):
    report, norfolk, suffolk = national
    api = client.get(reverse("public:api-statistics")).json()
    by_body = {(r["policing_body"], r["year"]): r for r in api["on_time"]}
    assert by_body[("norfolk-pcc", 2022)]["on_time"] == 1
    assert by_body[("suffolk-pcc", 2022)]["late"] == 1
    progress = {r["policing_body"]: r for r in api["recommendations"]}
    assert progress["norfolk-pcc"]["recommendations"] == 2
    assert progress["norfolk-pcc"]["open"] == 2  # tracked on publication, open
    page = client.get(reverse("public:statistics")).content.decode()
    assert "Published on time, year by year" in page
    assert "Open and overdue recommendations" in page
    assert client.get(reverse("public:api-statistics"), {"colour": "red"}).status_code == 400


def test_the_register_filters_by_theme(client):
    response = publish(title="Custody inspection", recommendations=2, afis=0)
    publish(body=policing_body("suffolk-pcc"), title="Vetting inspection", afis=0)
    theme = Theme.objects.filter(is_active=True).first()
    finding = response.report.findings.recommendations().first()
    finding_set_themes(finding=finding, acting_user=response.drafter, themes=[theme])

    rows = _api(client, theme=theme.slug)["results"]
    assert [r["finding_id"] for r in rows] == [finding.pk]
    page = client.get(reverse("public:register"), {"theme": theme.slug}).content.decode()
    assert "1 item found" in page
    assert f'<option value="{theme.slug}" selected>' in page
