"""s55(6) copies belong to a published version (Police Act 1996 s55(6): a copy of what was
published). An amendment's new version needs its own copies and its reminders follow it; a
frozen document never states anything about copies that could later become false, and the
public page shows each version's copies as recorded now."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from public.services import published_response_refresh
from reminders import policy
from reminders.services import state_of
from responses.models import Status
from responses.pdf import document_for_version, render_snapshot
from responses.services import response_record_copies
from responses.workflow import WorkflowError

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db

AMENDED_ON = date(2020, 3, 10)


def _republish(flow, published_on=AMENDED_ON):
    from responses.services import response_publish

    flow.do("amend")
    flow.do("submit for approval")
    flow.do("approve")
    flow.response = response_publish(
        response=flow.refreshed(), published_on=published_on, acting_user=flow.approver
    )
    return flow.response


def _copies(version):
    return (version.copy_hmicfrs_on, version.copy_home_secretary_on)


def test_an_amendment_asks_for_the_copies_of_its_new_version(flow):
    flow.drive(Status.PUBLISHED)
    response_record_copies(
        response=flow.response,
        acting_user=flow.drafter,
        hmicfrs=PUBLISHED_ON,
        home_secretary=PUBLISHED_ON,
    )

    _republish(flow)
    first, second = flow.refreshed().versions.order_by("number")

    assert _copies(first) == (PUBLISHED_ON, PUBLISHED_ON)
    assert _copies(second) == (None, None)
    recorded = response_record_copies(
        response=flow.refreshed(), acting_user=flow.drafter, hmicfrs=AMENDED_ON
    )
    assert recorded.number == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert _copies(first) == (PUBLISHED_ON, PUBLISHED_ON)
    assert _copies(second) == (AMENDED_ON, None)


def test_a_copy_of_a_new_version_cannot_predate_it(flow):
    flow.drive(Status.PUBLISHED)
    _republish(flow)

    with pytest.raises(WorkflowError, match="publication date of version 2"):
        response_record_copies(
            response=flow.refreshed(), acting_user=flow.drafter, hmicfrs=PUBLISHED_ON
        )


def test_an_earlier_version_can_still_have_its_copies_recorded(flow):
    flow.drive(Status.PUBLISHED)
    _republish(flow)

    recorded = response_record_copies(
        response=flow.refreshed(),
        acting_user=flow.drafter,
        version_number=1,
        panel=PUBLISHED_ON + timedelta(days=1),
    )

    assert recorded.number == 1
    assert recorded.copy_panel_on == PUBLISHED_ON + timedelta(days=1)


def test_the_copies_reminder_follows_the_latest_version(flow):
    flow.drive(Status.PUBLISHED)
    response_record_copies(
        response=flow.response,
        acting_user=flow.drafter,
        hmicfrs=PUBLISHED_ON,
        home_secretary=PUBLISHED_ON,
    )
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) is None

    _republish(flow)

    state = state_of(flow.refreshed())
    assert policy.anchor_date(policy.SUBJECT_COPIES, state) == AMENDED_ON
    # The statutory deadline was met on first publication: nothing about it.
    assert policy.anchor_date(policy.SUBJECT_DEADLINE, state) is None
    response_record_copies(
        response=flow.refreshed(),
        acting_user=flow.drafter,
        hmicfrs=AMENDED_ON,
        home_secretary=AMENDED_ON,
    )
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) is None


def test_a_frozen_version_states_nothing_about_copies_that_later_become_true(flow):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()
    before = render_snapshot(document_for_version(version))

    response_record_copies(
        response=flow.response,
        acting_user=flow.drafter,
        hmicfrs=PUBLISHED_ON + timedelta(days=1),
        home_secretary=PUBLISHED_ON + timedelta(days=1),
    )
    after = render_snapshot(document_for_version(version))

    assert before == after
    assert "Not recorded" not in before
    assert "Response forwarded to HMICFRS" not in before
    assert "As recorded when this version was published on 21 February 2020" in before


def test_the_public_page_shows_each_versions_copies_as_recorded_now(flow, client):
    flow.drive(Status.PUBLISHED)
    published_response_refresh(response_id=flow.response.pk)
    url = reverse("public:response", args=[flow.response.pk])

    before = client.get(url)
    response_record_copies(
        response=flow.response, acting_user=flow.drafter, hmicfrs=date(2020, 2, 24)
    )
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert "to HMICFRS: not recorded yet" in before.content.decode()
    assert after.status_code == 200  # the page changed, so the old ETag does not match
    page = after.content.decode()
    assert "to HMICFRS: sent 24 February 2020" in page
    assert "to the Home Secretary: not recorded yet" in page
