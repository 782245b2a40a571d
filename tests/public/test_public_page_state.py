"""After publishing, the office is told honestly whether the public page is there yet. The public
site serves only its own copy of a version, made by a worker once the publication has committed
(the recorded delivery of "response.published"), so for a moment there is no page: the copies
page, where publishing leads, says it is being prepared, then links it once the copy exists, or
says it is delayed if making the copy failed. The page only reads what was recorded."""

from datetime import date

import pytest
from django.urls import reverse

from core.events import delivery_run
from core.models import DeliveryStatus, EventDelivery
from responses.services import response_amend, response_approve, response_submit_for_approval

from .conftest import publish

pytestmark = pytest.mark.django_db

PREPARING = "The public page will be available in a moment"
LIVE = "On the public site"
DELAYED = "The public page is not there yet: making it failed"


@pytest.fixture
def approved():
    """A response ready to publish (published once, amended and approved again: publishing it
    makes version 2, whose public copy does not exist until its delivery runs)."""
    published = publish()
    drafter, approver = published.drafter, published.approver
    response = response_amend(response=published, reason="A typo.", acting_user=approver)
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response, acting_user=approver, signatory_name="Giles Orpen-Smellie"
    )
    response.drafter, response.approver = drafter, approver
    return response


def _publish_in_the_view(client, response):
    """Publish through the page. The test's transaction never commits, so, as in the moment
    after a real publication, the deliveries are recorded and not yet run."""
    client.force_login(response.approver)
    return client.post(
        reverse("responses:publish", args=[response.pk]),
        {
            "published_on_day": 3,
            "published_on_month": 3,
            "published_on_year": 2020,
            "signatory_name": "Giles Orpen-Smellie",
            "signatory_title": "Police and Crime Commissioner",
        },
        follow=True,
    )


def _public_copy_delivery(response):
    version = response.versions.order_by("-number").first()
    return EventDelivery.objects.get(
        event="response.published",
        key=f"version_id={version.pk}",
        subscriber="public.services.refresh_after_publication",
    )


def test_the_office_is_told_the_public_page_comes_in_a_moment_then_given_its_link(client, approved):
    page = _publish_in_the_view(client, approved)

    html = page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("responses:copies", args=[approved.pk])
    assert "The public page will be available in a moment: this page says when." in html
    assert PREPARING in html and LIVE not in html
    delivery = _public_copy_delivery(approved)
    assert delivery.status == DeliveryStatus.READY
    assert approved.versions.count() == 2

    delivery_run(delivery_id=delivery.pk)  # what the worker does

    html = client.get(reverse("responses:copies", args=[approved.pk])).content.decode()
    assert LIVE in html and PREPARING not in html
    assert f'href="{reverse("public:response", args=[approved.pk])}"' in html


def test_a_failed_public_copy_is_said_to_be_delayed(client, approved):
    _publish_in_the_view(client, approved)
    EventDelivery.objects.filter(pk=_public_copy_delivery(approved).pk).update(
        status=DeliveryStatus.FAILED, attempts=1, error="The database went away."
    )

    html = client.get(reverse("responses:copies", args=[approved.pk])).content.decode()

    assert DELAYED in html and LIVE not in html and PREPARING not in html


def test_a_response_published_long_ago_is_on_the_public_site(client):
    response = publish(published_on=date(2020, 2, 20))
    client.force_login(response.drafter)

    html = client.get(reverse("responses:copies", args=[response.pk])).content.decode()

    assert LIVE in html
