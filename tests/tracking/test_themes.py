"""Themes (the maintained list) and each office's Police and Crime Plan priorities: tagging
recommendations and tracker items through the services, the office's tracker filtering by them,
and panel packs grouping by them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.services import plan_priority_create, plan_priority_update
from inspections.models import Scope, Theme
from inspections.services import finding_set_plan_priorities, finding_set_themes, theme_save
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    office_user,
    policing_body,
)
from tracking.models import TrackerItem
from tracking.services import panel_pack_create, tracker_item_create, tracker_item_set_tags
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db


@pytest.fixture
def norfolk():
    body = policing_body("norfolk-pcc")
    admin = office_user(body, Membership.Role.OPCC_ADMIN)
    return body, admin


def _theme(slug):
    return Theme.objects.get(slug=slug)


def test_office_staff_tag_their_forces_recommendation_with_themes_and_their_priorities(norfolk):
    body, admin = norfolk
    finding = RecommendationFactory()
    roads = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    finding_set_themes(finding=finding, acting_user=admin, themes=[_theme("vetting")])
    finding_set_plan_priorities(finding=finding, body=body, acting_user=admin, priorities=[roads])

    assert list(finding.themes.values_list("slug", flat=True)) == ["vetting"]
    assert list(finding.plan_priorities.all()) == [roads]
    assert (
        finding.history.first().history_change_reason
        == "Norfolk OPCC's plan priorities: Safer roads"
    )


def test_another_offices_priorities_on_a_shared_recommendation_stay_its_own(norfolk):
    body, admin = norfolk
    suffolk = policing_body("suffolk-pcc")
    suffolk_admin = office_user(suffolk, Membership.Role.OPCC_ADMIN)
    national = ReportFactory(scope=Scope.NATIONAL, forces=[])
    finding = RecommendationFactory(report=national)
    theirs = plan_priority_create(body=suffolk, acting_user=suffolk_admin, title="Rural crime")
    mine = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    finding_set_plan_priorities(
        finding=finding, body=suffolk, acting_user=suffolk_admin, priorities=[theirs]
    )
    finding_set_plan_priorities(finding=finding, body=body, acting_user=admin, priorities=[mine])
    finding_set_plan_priorities(finding=finding, body=body, acting_user=admin, priorities=[])
    assert list(finding.plan_priorities.all()) == [theirs]
    with pytest.raises(ValidationError):
        finding_set_plan_priorities(
            finding=finding, body=body, acting_user=admin, priorities=[theirs]
        )
    # A national report's themes are every office's: only the register maintainer sets them.
    with pytest.raises(PermissionDenied):
        finding_set_themes(finding=finding, acting_user=admin, themes=[_theme("custody")])


def test_a_retired_tag_may_stay_but_not_be_added(norfolk):
    body, admin = norfolk
    item = tracker_item_create(
        finding=RecommendationFactory(), policing_body=body, acting_user=admin
    )
    roads = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    tracker_item_set_tags(item=item, acting_user=admin, plan_priorities=[roads])
    plan_priority_update(
        priority=roads, acting_user=admin, title="Safer roads", description="", is_active=False
    )
    tracker_item_set_tags(item=item, acting_user=admin, plan_priorities=[roads])  # stays
    other = tracker_item_create(
        finding=RecommendationFactory(), policing_body=body, acting_user=admin
    )
    with pytest.raises(TrackingError, match="no longer offered"):
        tracker_item_set_tags(item=other, acting_user=admin, plan_priorities=[roads])


def test_the_register_maintainer_keeps_the_list_of_themes(norfolk):
    _, admin = norfolk
    maintainer = MembershipFactory(
        user=UserFactory(), role=Membership.Role.REGISTER_MAINTAINER, policing_body=None, force=None
    ).user
    theme = theme_save(acting_user=maintainer, name="Neighbourhood policing")
    assert theme.slug == "neighbourhood-policing"
    assert theme.position == Theme.objects.count()
    with pytest.raises(PermissionDenied):
        theme_save(acting_user=admin, name="Anything")


def test_a_new_tracker_item_starts_with_its_recommendations_tags(norfolk):
    body, admin = norfolk
    finding = RecommendationFactory()
    roads = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    finding_set_themes(finding=finding, acting_user=admin, themes=[_theme("custody")])
    finding_set_plan_priorities(finding=finding, body=body, acting_user=admin, priorities=[roads])
    item = tracker_item_create(finding=finding, policing_body=body, acting_user=admin)
    assert list(item.themes.values_list("slug", flat=True)) == ["custody"]
    assert list(item.plan_priorities.all()) == [roads]


def test_the_offices_tracker_filters_by_theme_and_by_priority(norfolk):
    body, admin = norfolk
    roads = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    vetting = RecommendationFactory(text="Re-vet every officer.")
    custody = RecommendationFactory(text="Check every detainee hourly.")
    finding_set_themes(finding=vetting, acting_user=admin, themes=[_theme("vetting")])
    first = tracker_item_create(finding=vetting, policing_body=body, acting_user=admin)
    second = tracker_item_create(finding=custody, policing_body=body, acting_user=admin)
    tracker_item_set_tags(item=second, acting_user=admin, plan_priorities=[roads])
    client = Client()
    client.force_login(admin)

    def listed(**query):
        page = client.get(reverse("tracking:item-list"), query)
        assert page.status_code == 200
        return {row.pk for row in page.context["rows"]}

    assert listed() == {first.pk, second.pk}
    assert listed(theme="vetting") == {first.pk}
    assert listed(priority=roads.pk) == {second.pk}
    assert listed(theme="custody") == set()


def test_a_panel_pack_groups_the_open_items_by_theme_and_by_priority(norfolk):
    body, admin = norfolk
    roads = plan_priority_create(body=body, acting_user=admin, title="Safer roads")
    a = tracker_item_create(finding=RecommendationFactory(), policing_body=body, acting_user=admin)
    b = tracker_item_create(finding=RecommendationFactory(), policing_body=body, acting_user=admin)
    tracker_item_set_tags(
        item=a,
        acting_user=admin,
        themes=[_theme("vetting"), _theme("custody")],
        plan_priorities=[roads],
    )
    tracker_item_set_tags(item=b, acting_user=admin, themes=[_theme("vetting")])

    pack = panel_pack_create(policing_body=body, as_at=timezone.localdate(), acting_user=admin)

    by_theme = {g["name"]: g["count"] for g in pack.data["by_theme"]}
    assert by_theme == {"Custody": 1, "Vetting": 2}
    by_priority = {g["name"]: g["count"] for g in pack.data["by_priority"]}
    assert by_priority == {"Safer roads": 1, "Not tagged": 1}
    assert TrackerItem.objects.count() == 2
