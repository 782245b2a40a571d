"""The public response page shows, beside the published text, each recommendation's and AFI's
tracker status and the progress updates the office made public, newest first; nothing else of
the tracker."""

import contextlib
from datetime import date

import pytest
from django.urls import reverse, translate_url

from config.events import SUBSCRIBERS, TRACKER_PUBLIC_PROGRESS_CHANGED
from public.services import public_progress_changed
from tests.factories import force_user
from tracking.models import TrackerItem
from tracking.rag import Status
from tracking.services import (
    closure_decide,
    closure_propose,
    progress_update_add,
)
from tracking.workflow import TrackingError

from .conftest import publish, run_on_commit
from .test_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def response():
    """Norfolk's published response to a report with two recommendations and one AFI, all
    tracked when it was published."""
    return publish(recommendations=2, afis=1)


def items_of(response) -> list[TrackerItem]:
    return list(
        TrackerItem.objects.filter(
            policing_body=response.policing_body, finding__report=response.report
        ).order_by("finding__position", "finding_id")
    )


def add(response, item, text, *, day, acting_user=None, **kwargs):
    return run_on_commit(
        progress_update_add,
        item=item,
        acting_user=acting_user or response.drafter,
        text=text,
        date=day,
        **kwargs,
    )


def page(client, response) -> str:
    result = client.get(reverse("public:response", args=[response.pk]))
    assert result.status_code == 200
    return result.content.decode()


def tag(label: str, colour: str) -> str:
    return f'<strong class="govuk-tag govuk-tag--{colour}">{label}</strong>'


def test_the_public_site_listens_to_the_tracker():
    assert public_progress_changed in SUBSCRIBERS[TRACKER_PUBLIC_PROGRESS_CHANGED]


def test_each_recommendation_and_afi_shows_its_current_status(client, response):
    first, second, afi = items_of(response)
    add(response, first, "Audit under way.", day=date(2020, 3, 1), status=Status.IN_PROGRESS)

    result = client.get(reverse("public:response", args=[response.pk]))
    html, text = result.content.decode(), text_of(result)

    assert "Progress since publication" in text
    assert "Recommendation 1" in text and "Area for improvement 1" in text
    assert html.count(tag("In progress", "light-blue")) == 1
    assert html.count(tag("Open", "grey")) == 2


def test_public_updates_are_shown_newest_first_and_private_ones_not(client, response):
    item = items_of(response)[0]
    add(response, item, "First step: the audit began.", day=date(2020, 3, 1), is_public=True)
    add(response, item, "Private: waiting on the **IT team**.", day=date(2020, 3, 15))
    add(
        response,
        item,
        "Second step: **100** incidents checked.",
        day=date(2020, 4, 1),
        is_public=True,
    )

    html = page(client, response)

    assert "Private: waiting on the" not in html
    assert "15 March 2020" not in html
    assert html.index("1 April 2020") < html.index("1 March 2020")
    assert html.index("Second step") < html.index("First step")
    # The update's text goes through the safe markup filter.
    assert "<strong>100</strong> incidents checked." in html


def test_markup_typed_as_html_is_shown_as_text(client, response):
    item = items_of(response)[0]
    add(response, item, '<script>alert("x")</script> Done.', day=date(2020, 3, 1), is_public=True)

    html = page(client, response)

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_a_correction_replaces_the_update_it_corrects(client, response):
    item = items_of(response)[0]
    wrong = add(
        response, item, "Ten thousand incidents audited.", day=date(2020, 3, 1), is_public=True
    )
    add(
        response,
        item,
        "One thousand incidents audited.",
        day=date(2020, 3, 2),
        is_public=True,
        corrects=wrong,
    )

    html = page(client, response)

    assert "Ten thousand incidents audited." not in html
    assert "One thousand incidents audited." in html
    assert "this corrects an earlier update" in html


def test_no_staff_names_are_shown(client, response):
    item = items_of(response)[0]
    add(response, item, "Audit under way.", day=date(2020, 3, 1), is_public=True)

    html = page(client, response)

    assert "Audit under way." in html
    assert response.drafter.full_name not in html


def test_once_the_office_approves_closure_the_page_shows_it_complete(client, response):
    item = items_of(response)[0]
    contributor = force_user(response.policing_body.force, full_name="Frankie Force")
    url = reverse("public:response", args=[response.pk])
    client.get(url)  # now in the page cache
    proposal = run_on_commit(
        closure_propose,
        item=item,
        acting_user=contributor,
        text="Every action in the plan is done.",
        date=date(2020, 6, 1),
        is_public=True,
    )
    # The force's proposal is not public until the office decides: neither its status nor its
    # text.
    before = page(client, response)
    assert tag("Pending sign-off", "purple") not in before
    assert tag("Open", "grey") in before
    assert "Every action in the plan is done." not in before

    run_on_commit(
        closure_decide,
        proposal=proposal,
        acting_user=response.approver,
        approve=True,
        publish_proposal_text=True,
    )

    html = page(client, response)
    assert tag("Complete", "green") in html
    assert "Every action in the plan is done." in html


def test_an_office_proposal_of_closure_shows_pending_sign_off_at_once(client, response):
    item = items_of(response)[0]
    client.get(reverse("public:response", args=[response.pk]))  # now in the page cache

    run_on_commit(
        closure_propose,
        item=item,
        acting_user=response.drafter,
        text="The office checked every action.",
        date=date(2020, 6, 1),
        is_public=True,
    )

    html = page(client, response)
    assert tag("Pending sign-off", "purple") in html
    assert "The office checked every action." in html


def test_the_section_is_absent_when_the_office_tracks_nothing(client, response):
    TrackerItem.objects.filter(policing_body=response.policing_body).delete()

    assert "Progress since publication" not in page(client, response)


# --- The force proposes, the office publishes ----------------------------------------------------


def test_the_forces_public_update_is_not_on_the_page_until_the_office_approves_it(client, response):
    item = items_of(response)[0]
    contributor = force_user(response.policing_body.force)
    client.get(reverse("public:response", args=[response.pk]))  # now in the page cache
    update = add(
        response,
        item,
        "The force says the audit is finished.",
        day=date(2020, 3, 1),
        acting_user=contributor,
        is_public=True,
        status=Status.IN_PROGRESS,
    )

    before = page(client, response)
    assert "The force says the audit is finished." not in before
    assert tag("In progress", "light-blue") not in before

    from tracking.services import public_proposal_decide

    run_on_commit(
        public_proposal_decide,
        proposal=update.public_proposal,
        acting_user=response.drafter,
        decision="approved",
    )

    after = page(client, response)
    assert "The force says the audit is finished." in after
    assert tag("In progress", "light-blue") in after


def test_the_force_cannot_replace_or_withdraw_the_offices_public_update(client, response):
    item = items_of(response)[0]
    contributor = force_user(response.policing_body.force)
    office = add(response, item, "The office's own account.", day=date(2020, 3, 1), is_public=True)

    for is_public in (False, True):
        with contextlib.suppress(TrackingError):  # refused is right; accepted must not show
            add(
                response,
                item,
                "The force's version.",
                day=date(2020, 3, 2),
                acting_user=contributor,
                is_public=is_public,
                corrects=office,
            )

    html = page(client, response)
    assert "The office's own account." in html
    assert "The force's version." not in html


# --- Passages the office redacted ----------------------------------------------------------------

NAME = "Mrs Jane Example"


def test_a_redacted_passage_of_a_public_update_is_replaced_by_its_marker(client, response):
    from tracking.services import progress_redaction_add, progress_redaction_remove

    item = items_of(response)[0]
    update = add(
        response,
        item,
        f"{NAME} audited the custody records; {NAME} reported in March.",
        day=date(2020, 3, 1),
        is_public=True,
    )
    url = reverse("public:response", args=[response.pk])
    assert NAME in page(client, response)  # now in the page cache, with the name

    redacted = run_on_commit(
        progress_redaction_add,
        update=update,
        passage=NAME,
        reason="personal_data",
        acting_user=response.drafter,
    )

    # The page moved on at once (its cache key and ETag), with the marker everywhere the
    # passage was.
    html = page(client, response)
    assert NAME not in html
    assert html.count("[redacted: personal data]") == 2
    assert "audited the custody records" in html
    # The Welsh page too, with the marker in the language of the update's text (English).
    welsh = client.get(translate_url(url, "cy"))
    assert welsh.status_code == 200 and NAME not in welsh.content.decode()
    assert welsh.content.decode().count("[redacted: personal data]") == 2

    run_on_commit(progress_redaction_remove, redaction_id=redacted.pk, acting_user=response.drafter)
    assert NAME in page(client, response)


def test_an_update_written_with_a_redaction_never_shows_the_passage(client, response):
    item = items_of(response)[0]
    update = add(
        response,
        item,
        f"Met {NAME} about the audit.",
        day=date(2020, 3, 1),
        is_public=True,
        redactions=[{"passage": NAME, "reason": "other", "other_reason": "a witness"}],
    )

    html = page(client, response)
    assert "Met [redacted: a witness] about the audit." in html
    assert NAME not in html
    assert update.text == f"Met {NAME} about the audit."  # the update is kept as written


def test_the_office_redacts_the_forces_proposal_before_approving_it(client, response):
    from tracking.services import progress_redaction_add, public_proposal_decide

    item = items_of(response)[0]
    contributor = force_user(response.policing_body.force)
    update = add(
        response,
        item,
        f"The force met {NAME}.",
        day=date(2020, 3, 1),
        acting_user=contributor,
        is_public=True,
    )
    progress_redaction_add(
        update=update, passage=NAME, reason="personal_data", acting_user=response.drafter
    )
    assert "The force met" not in page(client, response)  # still waiting for the office

    run_on_commit(
        public_proposal_decide,
        proposal=update.public_proposal,
        acting_user=response.drafter,
        decision="approved",
    )

    html = page(client, response)
    assert "The force met [redacted: personal data]." in html
    assert NAME not in html


def test_a_closure_decision_is_in_the_pages_language_with_the_offices_reason_as_written(
    client, response
):
    """The public page showed the decision's update as stored: "Closure refused: ..." in
    English on the Welsh page. The product's words follow the page's language; the office's
    reason is as written, marked as English on the Welsh page."""
    from tests.public.test_welsh_pages import interface_text
    from tracking.services import progress_redaction_add

    item = items_of(response)[0]
    welsh_url = translate_url(reverse("public:response", args=[response.pk]), "cy")
    proposal = run_on_commit(
        closure_propose,
        item=item,
        acting_user=response.drafter,
        text="Every action in the plan is done.",
        date=date(2020, 6, 1),
    )
    run_on_commit(
        closure_decide,
        proposal=proposal,
        acting_user=response.approver,
        approve=False,
        reason=f"The audit of {NAME}'s team is not attached.",
        is_public=True,
    )

    english = page(client, response)
    assert '<p class="govuk-body">Closure refused: The audit of' in english
    welsh = client.get(welsh_url).content.decode()
    assert 'Gwrthodwyd cau: <span lang="en-GB">The audit of' in welsh
    text = interface_text(welsh)
    assert "Gwrthodwyd cau:" in text
    assert "Closure refused" not in text and "The audit of" not in text

    # The office redacts a passage of the reason: the marker is in the reason's language.
    run_on_commit(
        progress_redaction_add,
        update=proposal.item.updates.get(kind="closure_refused"),
        passage=NAME,
        reason="personal_data",
        acting_user=response.drafter,
    )
    welsh = client.get(welsh_url).content.decode()
    assert NAME not in welsh
    assert (
        'Gwrthodwyd cau: <span lang="en-GB">The audit of [redacted: personal data]\'s team' in welsh
    )
