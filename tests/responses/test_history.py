"""Who changed a response, when and why: the history rows the services write and the readable
timeline built from them."""

import pytest

from responses.models import Explanation, Status
from responses.selectors import response_timeline
from responses.services import explanation_save, response_record_copies
from tests.factories import ReportFactory, make_response

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db


def _latest(response):
    return response.history.order_by("-history_date", "-history_id").first()


def test_inviting_the_force_records_who_and_the_reply_by_date(flow, drafter):
    flow.do("invite the force")

    latest = _latest(flow.refreshed())
    assert latest.history_user == drafter
    assert latest.history_change_reason == "Force invited to comment by 4 February 2020"


def test_approval_records_the_approver(flow, approver):
    flow.drive(Status.APPROVED)

    latest = _latest(flow.refreshed())
    assert latest.history_user == approver
    assert latest.history_change_reason == "Approved"
    assert latest.status == Status.APPROVED


def test_publication_records_who_published(flow, approver):
    flow.drive(Status.PUBLISHED)

    latest = _latest(flow.refreshed())
    assert latest.history_user == approver
    assert latest.history_change_reason == "Published"
    assert latest.published_on == PUBLISHED_ON


def test_saving_an_explanation_records_who_and_which_recommendation(flow, report, drafter):
    first = report.findings.recommendations().first()

    explanation_save(
        response=flow.response,
        finding=first,
        acting_user=drafter,
        kind=Explanation.Kind.ACTION_TAKEN,
        text="Supervisors have been trained.",
    )

    explained = Explanation.history.filter(finding=first).latest("history_date")
    assert explained.history_user == drafter
    assert explained.history_change_reason == "Explanation for R1 saved"
    assert explained.text == "Supervisors have been trained."
    response_row = _latest(flow.refreshed())
    assert response_row.history_user == drafter
    assert response_row.history_change_reason == "Explanation saved"


def test_timeline_shows_a_status_change_in_words(flow):
    flow.drive(Status.AWAITING_APPROVAL)

    newest = response_timeline(flow.refreshed())[0]

    assert newest.who == "Dana Drafter"
    assert newest.what == "Response"
    assert newest.reason == "Submitted for approval"
    assert newest.action == "Changed"
    status_change = next(c for c in newest.changes if c.field == "status")
    assert (status_change.label, status_change.old, status_change.new) == (
        "Status",
        "Drafting",
        "Awaiting approval",
    )


def test_timeline_is_newest_first_and_starts_with_the_opening(flow):
    flow.drive(Status.PUBLISHED)

    entries = response_timeline(flow.refreshed())

    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    assert entries[0].reason == "Published"
    assert entries[0].who == "Alex Approver"
    assert (entries[-1].action, entries[-1].reason) == ("Created", "Response opened")


def test_timeline_includes_explanations_with_their_field_labels(flow, report):
    first = report.findings.recommendations().first()
    flow.explain(first, text="Training done.")

    entry = next(e for e in response_timeline(flow.refreshed()) if e.what == "Explanation")

    assert entry.reason == "Explanation for R1 saved"
    assert entry.who == "Dana Drafter"


def test_timeline_labels_keep_their_capitals(flow):
    flow.drive(Status.PUBLISHED)
    response_record_copies(response=flow.response, acting_user=flow.drafter, hmicfrs=PUBLISHED_ON)

    newest = response_timeline(flow.refreshed())[0]

    # The copies belong to the published version (s55(6)); the response's timeline says which
    # version and when, in the reason, with the recipient's capitals kept.
    assert newest.reason == "Copies of version 1 recorded: HMICFRS 21 Feb 2020"
    assert newest.who == "Dana Drafter"


def test_timeline_shows_the_reason_for_sending_back(flow, approver):
    flow.drive(Status.AWAITING_APPROVAL)
    flow.do("send back")

    newest = response_timeline(flow.refreshed())[0]

    assert newest.who == "Alex Approver"
    assert newest.reason == "Sent back: Say more about R1."
    status_change = next(c for c in newest.changes if c.field == "status")
    assert (status_change.old, status_change.new) == ("Awaiting approval", "Drafting")


def test_timeline_omits_bookkeeping_fields(flow):
    flow.write_text()

    newest = response_timeline(flow.refreshed())[0]

    assert {c.field for c in newest.changes} == {"office_comments", "reply_to_force"}


def test_timeline_query_count_does_not_grow_with_the_number_of_changes(
    flow, norfolk, django_assert_num_queries
):
    short = make_response(report=ReportFactory(), body=norfolk, acting_user=flow.drafter)
    long = flow.drive(Status.PUBLISHED)
    flow.do("amend")
    flow.do("submit for approval")
    flow.do("approve")
    assert long.history.count() > 10 and Explanation.history.count() >= 2

    with django_assert_num_queries(2):
        short_entries = response_timeline(short)
    # Two history tables, plus one query naming the users in "approved by" changes.
    with django_assert_num_queries(3):
        long_entries = response_timeline(long)
    flow.do("send back")
    flow.do("submit for approval")
    flow.do("approve")
    with django_assert_num_queries(3):
        longer_entries = response_timeline(long)

    assert len(short_entries) == 1
    assert len(long_entries) > 12
    assert len(longer_entries) > len(long_entries)
    approvals = [c for e in long_entries for c in e.changes if c.field == "approved_by"]
    assert approvals and approvals[0].new == "Alex Approver"


def test_timeline_of_a_response_with_no_changes_has_only_its_opening(response):
    entries = response_timeline(response)

    assert [(e.action, e.who, e.reason) for e in entries] == [
        ("Created", "Dana Drafter", "Response opened")
    ]
