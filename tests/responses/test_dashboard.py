"""The dashboard at /responses/: the office's open responses soonest first, the sections, the
counts, the force's dashboard, and a fixed number of queries."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import office_roles
from responses.dashboard import DashboardRow, office_dashboard
from responses.models import Explanation, Status
from responses.services import (
    explanation_save,
    response_invite_force,
    response_publish,
    response_record_force_comments,
    response_submit_for_approval,
    response_update_text,
)
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

TODAY = date(2020, 2, 1)
URL = "/responses/"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def norfolk():
    return policing_body("norfolk-pcc")


@pytest.fixture
def suffolk():
    return policing_body("suffolk-pcc")


@pytest.fixture
def drafter(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")


@pytest.fixture
def approver(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_APPROVER, full_name="Alex Approver")


def open_response(body, drafter, *, published_on, title, recommendations=1):
    report = ReportFactory(title=title, published_on=published_on, forces=[body.force])
    for _ in range(recommendations):
        RecommendationFactory(report=report)
    return make_response(report=report, body=body, acting_user=drafter)


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def table_titles(soup):
    return [th.get_text(strip=True) for th in soup.select("table tbody th")]


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next={URL}"


def test_a_superuser_without_an_organisation_is_refused(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    assert client.get(URL).status_code == 403


def test_open_responses_sorted_by_due_date_with_the_clock(client, norfolk, drafter):
    # Published 7 Jan 2020: due Mon 2 Mar 2020 (publication + 55 days), day 26 on 1 Feb.
    open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Later report")
    open_response(norfolk, drafter, published_on=date(2019, 12, 10), title="Earlier report")
    soup = page(client, drafter)
    assert table_titles(soup) == ["Earlier report", "Later report"]
    later = soup.select("table tbody tr")[1]
    cells = [td.get_text(" ", strip=True) for td in later.find_all("td")]
    assert cells[0] == "Not started"
    assert cells[1] == "Day 26 of 56"
    assert cells[2] == "Mon 2 Mar 2020"
    assert cells[3] == "Mon 2 Mar 2020"  # a Monday due date is its own last working day
    assert cells[4] == "30 days left"
    assert "the invitation to the force" in cells[5].lower()
    link = later.find("a")
    assert link["href"] == reverse("responses:detail", args=[later_pk(soup)])


def later_pk(soup):
    href = soup.select("table tbody tr")[1].find("a")["href"]
    return int(href.strip("/").split("/")[-1])


def test_overdue_and_due_soon_are_highlighted_in_words_and_colour(client, norfolk, drafter):
    # Due 3 Jan 2020 -> overdue by 29 days; due 10 Feb 2020 -> 9 days left; due 2 Mar -> 30.
    open_response(norfolk, drafter, published_on=date(2019, 11, 9), title="Overdue")
    open_response(norfolk, drafter, published_on=date(2019, 12, 17), title="Soon")
    open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Later")
    soup = page(client, drafter)
    rows = {row.th.get_text(strip=True): row for row in soup.select("table tbody tr")}
    assert "app-dashboard-row--overdue" in rows["Overdue"]["class"]
    assert "Overdue Overdue by 29 days" in rows["Overdue"].get_text(" ", strip=True)
    assert rows["Overdue"].find("strong", class_="govuk-tag--red").get_text() == "Overdue"
    assert "app-dashboard-row--soon" in rows["Soon"]["class"]
    assert rows["Soon"].find("strong", class_="govuk-tag--orange").get_text() == "Due soon"
    assert "9 days left" in rows["Soon"].get_text()
    assert "app-dashboard-row--overdue" not in rows["Later"].get("class", [])
    assert "app-dashboard-row--soon" not in rows["Later"].get("class", [])
    counts = [li.get_text(" ", strip=True) for li in soup.select(".app-dashboard-count")]
    assert counts[:3] == ["3 open responses", "1 overdue", "1 due within 14 days"]


def test_only_the_offices_own_responses(client, norfolk, suffolk, drafter):
    open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Norfolk report")
    suffolk_drafter = office_user(suffolk)
    open_response(suffolk, suffolk_drafter, published_on=date(2020, 1, 7), title="Suffolk report")
    assert table_titles(page(client, drafter)) == ["Norfolk report"]
    assert table_titles(page(client, suffolk_drafter)) == ["Suffolk report"]


def test_sections_for_the_force_approval_and_recently_published(client, norfolk, drafter, approver):
    waiting = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Waiting")
    response_invite_force(
        response=waiting,
        invited_on=date(2020, 1, 8),
        reply_by=date(2020, 1, 31),
        acting_user=drafter,
    )
    ready = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Ready")
    ready = response_invite_force(
        response=ready, invited_on=date(2020, 1, 8), reply_by=date(2020, 2, 4), acting_user=drafter
    )
    ready = response_record_force_comments(
        response=ready, acting_user=drafter, text="Accepted.", received_on=date(2020, 1, 20)
    )
    ready = response_update_text(response=ready, acting_user=drafter, office_comments="Welcome.")
    for finding in ready.report.findings.recommendations():
        explanation_save(
            response=ready,
            finding=finding,
            acting_user=drafter,
            kind=Explanation.Kind.ACTION_PROPOSED,
            text="We will.",
        )
    response_submit_for_approval(response=ready, acting_user=drafter)

    soup = page(client, approver)
    force_section = soup.find(id="awaiting-force").find_next("ul").get_text(" ", strip=True)
    assert "Waiting" in force_section
    assert "reply by 31 January 2020, now late" in force_section
    approval = soup.find(id="awaiting-approval")
    assert approval.get_text(strip=True) == "Awaiting your approval"
    approval_text = approval.find_next("ul").get_text(" ", strip=True)
    assert "Ready" in approval_text and "submitted by Dana Drafter" in approval_text
    assert (
        page(client, drafter).find(id="awaiting-approval").get_text(strip=True)
        == "Awaiting approval"
    )
    counts = [li.get_text(" ", strip=True) for li in soup.select(".app-dashboard-count")]
    assert "1 awaiting the force" in counts
    assert "1 awaiting approval" in counts


def test_recently_published(client, norfolk, drafter, approver):
    from tests.responses.conftest import Flow

    report = ReportFactory(title="Published one", published_on=date(2020, 1, 7))
    RecommendationFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=norfolk, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.drive(Status.APPROVED)
    response_publish(response=flow.response, published_on=date(2020, 1, 30), acting_user=approver)
    old = ReportFactory(title="Published long ago", published_on=date(2019, 11, 1))
    RecommendationFactory(report=old)
    old_flow = Flow(
        response=make_response(report=old, body=norfolk, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    old_flow.drive(Status.APPROVED)
    response_publish(
        response=old_flow.response, published_on=date(2019, 12, 1), acting_user=approver
    )
    soup = page(client, drafter)
    section = soup.find(id="recently-published").find_next("ul")
    assert "Published one" in section.get_text()
    assert "published 30 January 2020" in section.get_text(" ", strip=True)
    assert "Published long ago" not in soup.get_text()
    assert table_titles(soup) == [], "a published response is not open"


def test_days_left_in_words():
    row = DashboardRow(response=None, day=26, days_left=-1)
    assert row.days_left_text == "Overdue by 1 day"
    assert DashboardRow(response=None, day=1, days_left=0).days_left_text == "Due today"
    assert DashboardRow(response=None, day=1, days_left=1).days_left_text == "1 day left"
    assert DashboardRow(response=None, day=None, days_left=None).days_left_text == (
        "No statutory deadline"
    )


def test_force_dashboard_lists_invitations_with_reply_by_dates(client, norfolk, drafter):
    invited = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Invited")
    response_invite_force(
        response=invited,
        invited_on=date(2020, 1, 8),
        reply_by=date(2020, 2, 4),
        acting_user=drafter,
    )
    open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Not invited yet")
    contributor = force_user(norfolk.force)
    soup = page(client, contributor)
    text = soup.get_text(" ", strip=True)
    assert "Reports you are invited to comment on" in text
    assert "Invited" in text
    assert "Tuesday 4 February 2020" in text
    assert "3 days left" in text
    assert "Not invited yet" not in text, "the force sees only what the office shared"


def test_force_dashboard_marks_a_late_reply(client, norfolk, drafter):
    invited = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title="Invited")
    response_invite_force(
        response=invited,
        invited_on=date(2020, 1, 8),
        reply_by=date(2020, 1, 29),
        acting_user=drafter,
    )
    soup = page(client, force_user(norfolk.force))
    assert "Late 3 days ago" in soup.get_text(" ", strip=True)


def _invited(norfolk, drafter, number, *, answered: bool):
    """A response the force was invited to comment on `number` days before 8 January 2020,
    answered (comments recorded) or still waiting for them."""
    response = open_response(
        norfolk, drafter, published_on=date(2019, 1, 7), title=f"Invited {number:02d}"
    )
    invited_on = date(2020, 1, 8) - timedelta(days=number)
    response_invite_force(
        response=response,
        invited_on=invited_on,
        reply_by=invited_on + timedelta(days=20),
        acting_user=drafter,
    )
    if answered:
        response_record_force_comments(
            response=response, acting_user=drafter, text="Comments.", received_on=invited_on
        )
    return response


def _titles(section):
    return [a.get_text(strip=True) for a in section.find_next("ul").find_all("a", href=True)]


def test_force_dashboard_lists_every_response_to_do_and_pages_the_rest(client, norfolk, drafter):
    for number in range(25):
        _invited(norfolk, drafter, number, answered=True)
    for number in range(30, 33):
        _invited(norfolk, drafter, number, answered=False)
    contributor = force_user(norfolk.force)

    soup = page(client, contributor)

    to_do = soup.find("h2", string=lambda t: t and t.startswith("To do"))
    assert to_do.get_text(strip=True) == "To do (3)"
    assert sorted(_titles(to_do)) == ["Invited 30", "Invited 31", "Invited 32"]
    done = soup.find(id="sent-or-closed")
    assert done.get_text(strip=True) == "Sent or closed (25)"
    # Newest invitation first, twenty to a page.
    assert _titles(done) == [f"Invited {n:02d}" for n in range(20)]
    assert soup.select_one(".govuk-pagination")

    second = BeautifulSoup(client.get(URL + "?page=2").content, "html.parser")
    assert _titles(second.find(id="sent-or-closed")) == [f"Invited {n:02d}" for n in range(20, 25)]
    assert len(_titles(second.find("h2", string=lambda t: t and t.startswith("To do")))) == 3


def test_force_dashboard_costs_the_same_with_ten_times_the_history(client, norfolk, drafter):
    contributor = force_user(norfolk.force)
    for number in range(3):
        _invited(norfolk, drafter, number, answered=True)
    _invited(norfolk, drafter, 40, answered=False)
    few = _queries_for_dashboard(client, contributor)

    for number in range(3, 30):
        _invited(norfolk, drafter, number, answered=True)
    _invited(norfolk, drafter, 41, answered=False)

    assert _queries_for_dashboard(client, contributor) == few


def _queries_for_dashboard(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def _add_responses(norfolk, drafter, count, start):
    for number in range(start, start + count):
        response = open_response(
            norfolk,
            drafter,
            published_on=date(2020, 1, 7) - timedelta(days=number % 40),
            title=f"Report {number}",
            recommendations=2,
        )
        if number % 3 == 0:
            finding = response.report.findings.recommendations().first()
            explanation_save(
                response=response,
                finding=finding,
                acting_user=drafter,
                kind=Explanation.Kind.ACTION_TAKEN,
                text="Done.",
            )
        if number % 4 == 0:
            response_invite_force(
                response=response,
                invited_on=date(2020, 1, 8),
                reply_by=date(2020, 2, 4),
                acting_user=drafter,
            )


def test_the_same_number_of_queries_for_5_and_50_responses(
    client, norfolk, drafter, django_assert_num_queries
):
    _add_responses(norfolk, drafter, 5, start=0)
    with_five = _queries_for_dashboard(client, drafter)
    _add_responses(norfolk, drafter, 45, start=5)
    client.force_login(drafter)
    with django_assert_num_queries(with_five):
        response = client.get(URL)
    assert len(BeautifulSoup(response.content, "html.parser").select("table tbody tr")) == 50


def test_office_dashboard_selector_makes_five_queries(norfolk, drafter, django_assert_num_queries):
    # Four for the responses, one for the notices of corrections of their reports (none here;
    # the office's responses are a semi-join in it, not a query of their own).
    _add_responses(norfolk, drafter, 6, start=0)
    office_roles(drafter)  # the middleware has loaded the roles by the time the view runs
    with django_assert_num_queries(5):
        context = office_dashboard(body=norfolk, user=drafter, today=TODAY)
        # Everything the template reads is already loaded.
        for row in context["rows"]:
            assert row.response.report.title
            assert row.response.policing_body.short_name
            assert row.waiting_on
    assert len(context["rows"]) == 6


def test_force_dashboard_query_count_does_not_grow(client, norfolk, drafter):
    contributor = force_user(norfolk.force)
    for number in range(3):
        r = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title=f"R{number}")
        response_invite_force(
            response=r, invited_on=date(2020, 1, 8), reply_by=date(2020, 2, 4), acting_user=drafter
        )
    few = _queries_for_dashboard(client, contributor)
    for number in range(3, 20):
        r = open_response(norfolk, drafter, published_on=date(2020, 1, 7), title=f"R{number}")
        response_invite_force(
            response=r, invited_on=date(2020, 1, 8), reply_by=date(2020, 2, 4), acting_user=drafter
        )
    assert _queries_for_dashboard(client, contributor) == few
