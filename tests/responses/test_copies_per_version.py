"""s55(6) copies belong to a published version (Police Act 1996 s55(6): a copy of what was
published). An amendment's new version needs its own copies and its reminders follow it; a
frozen document never states anything about copies that could later become false, and the
public page shows each version's copies as recorded now."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from public.services import published_response_refresh
from reminders import policy
from reminders.models import Reminder
from reminders.services import reminders_sweep, state_of
from responses.models import Status
from responses.pdf import document_for_version, render_snapshot
from responses.selectors import version_in_force
from responses.services import response_record_copies, response_withdraw
from responses.workflow import WorkflowError

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db

AMENDED_ON = date(2020, 3, 10)
REASON = "The name of a victim was published by mistake."


def _republish(flow, published_on=AMENDED_ON):
    from responses.services import response_publish

    flow.do("amend")
    flow.do("submit for approval")
    flow.do("approve")
    flow.response = response_publish(
        response=flow.refreshed(), published_on=published_on, acting_user=flow.approver
    )
    return flow.response


def _record_both_copies(flow, on=PUBLISHED_ON):
    """The office records both s55(6) copies of the latest version as sent `on`."""
    return response_record_copies(
        response=flow.response, acting_user=flow.drafter, hmicfrs=on, home_secretary=on
    )


def _copies(version):
    return (version.copy_hmicfrs_on, version.copy_home_secretary_on)


def test_an_amendment_asks_for_the_copies_of_its_new_version(flow):
    flow.drive(Status.PUBLISHED)
    _record_both_copies(flow)

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
    _record_both_copies(flow)
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


# --- the version in force: a withdrawn latest version is owed no copies ------------------------


def _copies_reminders_on(flow, day):
    """The copies reminders the sweep creates for `day` (the policy from the database)."""
    reminders_sweep(today=day, now=timezone.now())
    return sorted(
        set(
            Reminder.objects.filter(
                response=flow.response, rule__subject=policy.SUBJECT_COPIES
            ).values_list("occurrence", flat=True)
        )
    )


def test_the_copies_reminder_stops_while_the_only_version_is_withdrawn(flow):
    flow.drive(Status.PUBLISHED)
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) == PUBLISHED_ON

    response_withdraw(response=flow.refreshed(), reason=REASON, acting_user=flow.approver)

    assert version_in_force(flow.refreshed()) is None
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) is None
    assert _copies_reminders_on(flow, PUBLISHED_ON + timedelta(days=4)) == []


def test_the_copies_reminder_follows_the_version_in_force_not_a_withdrawn_amendment(flow):
    flow.drive(Status.PUBLISHED)
    _record_both_copies(flow)
    _republish(flow)
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) == AMENDED_ON

    # The amendment is withdrawn: version 1 was replaced by it and is not in force again, and
    # the withdrawn version 2 cannot be sent, so no copies are owed and nobody is reminded.
    response_withdraw(response=flow.refreshed(), reason=REASON, acting_user=flow.approver)

    assert flow.refreshed().status == Status.WITHDRAWN
    assert version_in_force(flow.refreshed()) is None
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) is None
    assert _copies_reminders_on(flow, AMENDED_ON + timedelta(days=4)) == []

    # The corrected version is in force and owed its own copies.
    corrected_on = AMENDED_ON + timedelta(days=7)
    _republish(flow, published_on=corrected_on)
    assert version_in_force(flow.refreshed()).number == 3
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) == corrected_on
    assert _copies_reminders_on(flow, corrected_on + timedelta(days=4)) == [
        f"{corrected_on.isoformat()}:+3d"
    ]


def test_withdrawing_an_earlier_version_leaves_the_copies_owed_for_the_latest(flow):
    flow.drive(Status.PUBLISHED)
    _republish(flow)

    response_withdraw(
        response=flow.refreshed(), reason=REASON, acting_user=flow.approver, version_number=1
    )

    assert version_in_force(flow.refreshed()).number == 2
    assert policy.anchor_date(policy.SUBJECT_COPIES, state_of(flow.refreshed())) == AMENDED_ON
