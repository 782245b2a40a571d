"""The national read-only role: published material plus, where an office opted in (off by
default), the status of its open responses and tracker items; never drafting, never writing.
And the office admin's settings behind it: the opt-in and the Police and Crime Plan priorities."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, PlanPriority
from accounts.services import (
    OfficeSettingsError,
    plan_priority_create,
    plan_priority_update,
    policing_body_set_national_sharing,
)
from responses.services import explanation_save
from responses.workflow import WorkflowError
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    make_response,
    office_user,
    policing_body,
)
from tracking.services import tracker_item_create
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db

SECRET = "QJDRAFTTEXT77"


@pytest.fixture
def viewer():
    return MembershipFactory(
        user=UserFactory(username="liaison"),
        role=Membership.Role.NATIONAL_VIEWER,
        policing_body=None,
        force=None,
    ).user


@pytest.fixture
def norfolk_work():
    """Norfolk's open response (with draft text) and a tracker item."""
    body = policing_body("norfolk-pcc")
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    report = ReportFactory(title="Norfolk custody inspection", published_on=date(2026, 10, 1))
    finding = RecommendationFactory(report=report, reference="R7")
    response = make_response(report=report, body=body, acting_user=drafter)
    explanation_save(
        response=response, finding=finding, acting_user=drafter, kind="action_proposed", text=SECRET
    )
    tracker_item_create(finding=finding, policing_body=body, acting_user=drafter)
    admin = office_user(body, Membership.Role.OPCC_ADMIN)
    return body, admin, response


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tracking:national"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_office_that_has_not_opted_in_shows_nothing_of_its_open_work(viewer, norfolk_work):
    body, _, _ = norfolk_work
    assert body.share_open_work_nationally is False  # the default
    page = _page(viewer)
    assert "Norfolk custody inspection" not in page
    assert body.name not in page
    assert "No office shares its open work yet." in page


def test_once_the_office_opts_in_its_statuses_and_dates_show_but_never_its_text(
    viewer, norfolk_work
):
    body, admin, response = norfolk_work
    policing_body_set_national_sharing(body=body, acting_user=admin, share=True)
    page = _page(viewer)
    assert body.name in page
    assert "Norfolk custody inspection" in page
    assert response.get_status_display() in page
    assert "R7, Norfolk custody inspection" in page
    assert SECRET not in page


def test_opting_out_again_hides_it_and_the_history_says_who_chose(viewer, norfolk_work):
    body, admin, _ = norfolk_work
    policing_body_set_national_sharing(body=body, acting_user=admin, share=True)
    policing_body_set_national_sharing(body=body, acting_user=admin, share=False)
    assert "Norfolk custody inspection" not in _page(viewer)
    latest = body.history.first()
    assert latest.history_user == admin
    assert (
        latest.history_change_reason == "Open work no longer shared with national read-only staff"
    )


def test_only_the_office_admin_changes_the_sharing_and_the_priorities(norfolk_work, viewer):
    body, _, _ = norfolk_work
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    for person in (drafter, viewer):
        with pytest.raises(OfficeSettingsError, match="admin"):
            policing_body_set_national_sharing(body=body, acting_user=person, share=True)
        with pytest.raises(OfficeSettingsError, match="admin"):
            plan_priority_create(body=body, acting_user=person, title="Safer roads")
    body.refresh_from_db()
    assert body.share_open_work_nationally is False
    assert not PlanPriority.objects.exists()


def test_the_office_admin_keeps_the_plans_priorities(norfolk_work):
    body, admin, _ = norfolk_work
    first = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    second = plan_priority_create(body=body, acting_user=admin, title="Tackling VAWG")
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(OfficeSettingsError, match="already has"):
        plan_priority_create(body=body, acting_user=admin, title="safer roads")
    plan_priority_update(
        priority=first, acting_user=admin, title="Safer roads", description="", is_active=False
    )
    first.refresh_from_db()
    assert first.is_active is False
    assert first.history.first().history_change_reason == "Priority retired by the office admin"


def test_national_read_only_staff_never_draft_or_track(viewer, norfolk_work):
    body, _, response = norfolk_work
    finding = response.report.findings.get()
    with pytest.raises(WorkflowError):
        explanation_save(
            response=response, finding=finding, acting_user=viewer, kind="no_action", text="x"
        )
    with pytest.raises(TrackingError):
        tracker_item_create(
            finding=RecommendationFactory(report=response.report),
            policing_body=body,
            acting_user=viewer,
        )


def test_national_read_only_staff_land_on_the_national_view(viewer):
    client = Client()
    client.force_login(viewer)
    assert client.get(reverse("responses:dashboard")).url == reverse("tracking:national")


def test_the_header_offers_national_read_only_staff_only_pages_they_may_open(viewer):
    client = Client()
    client.force_login(viewer)
    page = client.get(reverse("tracking:national"))
    offered = [str(item["text"]) for item in page.context["nav_items"]]
    assert "Reports" not in offered and "Tracker" not in offered and "Import" not in offered
    assert {"Dashboard", "Published responses", "Sign out"} <= set(offered)
    for item in page.context["nav_items"]:
        if not item.get("post"):
            assert client.get(item["href"], follow=True).status_code == 200, item["text"]
