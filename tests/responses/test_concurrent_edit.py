"""Nothing lost when two people edit (issue 3, point 9).

Two editors open the same section at the same version. The first saves. The second's save is
refused: the page comes back with the second editor's text still in the form and the first
editor's saved text shown beside it, and nothing in the database is overwritten. Saving again
from that page (which now carries the current version) is the editor's informed choice and
succeeds. A change to a *different* section in between does not block the save."""

import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from responses.models import Explanation, Response, Status
from responses.services import (
    explanation_save,
    response_invite_force,
    response_update_text,
)
from responses.workflow import ConcurrentEditError
from tests.factories import force_user, office_user

from .conftest import INVITED_ON, REPLY_BY

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Colin Colleague")


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode()))).strip()


def textarea(html: bytes, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html.decode(), re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1)).strip()


def hidden_lock_version(html: bytes) -> int:
    return int(re.search(r'name="lock_version" value="(\d+)"', html.decode())[1])


def test_the_service_refuses_a_stale_save(response, drafter):
    opened = response.lock_version
    response_update_text(
        response=response,
        acting_user=drafter,
        office_comments="First.",
        expected_lock_version=opened,
    )

    with pytest.raises(ConcurrentEditError):
        response_update_text(
            response=response,
            acting_user=drafter,
            office_comments="Second.",
            expected_lock_version=opened,
        )

    assert Response.objects.get(pk=response.pk).office_comments == "First."


def test_a_stale_save_of_the_offices_comments_is_refused_and_keeps_the_editors_text(
    client, response, drafter, colleague
):
    page_url = reverse("responses:office-comments", args=[response.pk])
    client.force_login(drafter)
    opened = hidden_lock_version(client.get(page_url).content)
    client.force_login(colleague)
    first = client.post(page_url, {"lock_version": opened, "text": "Colin's comments."})
    assert first.status_code == 302

    client.force_login(drafter)
    stale = client.post(page_url, {"lock_version": opened, "text": "Dana's comments."})

    assert stale.status_code == 200
    assert textarea(stale.content, "text") == "Dana's comments."  # the editor's text, kept
    shown = text_of(stale.content)
    assert "Someone else saved this response after you opened it" in shown
    assert "The text as saved now Colin's comments." in shown  # the other person's change
    assert "The last change was made by Colin Colleague" in shown
    assert Response.objects.get(pk=response.pk).office_comments == "Colin's comments."

    # The page now carries the current version: saving again means "I have seen it".
    again = client.post(
        page_url,
        {"lock_version": hidden_lock_version(stale.content), "text": "Dana's comments."},
    )

    assert again.status_code == 302
    assert Response.objects.get(pk=response.pk).office_comments == "Dana's comments."


def test_a_change_to_another_section_does_not_block_the_save(
    client, response, drafter, colleague, report
):
    page_url = reverse("responses:office-comments", args=[response.pk])
    client.force_login(drafter)
    opened = hidden_lock_version(client.get(page_url).content)
    # Meanwhile the colleague writes the reply to the force and an explanation.
    response_update_text(response=response, acting_user=colleague, reply_to_force="A reply.")
    explanation_save(
        response=response,
        finding=report.findings.recommendations().first(),
        acting_user=colleague,
        kind="action_taken",
        text="Done.",
    )

    page = client.post(page_url, {"lock_version": opened, "text": "Dana's comments."})

    assert page.status_code == 302
    saved = Response.objects.get(pk=response.pk)
    assert saved.office_comments == "Dana's comments."
    assert saved.reply_to_force == "A reply."


def test_a_stale_explanation_is_refused_and_keeps_the_editors_text(
    client, response, drafter, colleague, report
):
    r1 = report.findings.recommendations().first()
    page_url = reverse("responses:explanation", args=[response.pk, r1.pk])
    client.force_login(drafter)
    opened = hidden_lock_version(client.get(page_url).content)
    explanation_save(
        response=response, finding=r1, acting_user=colleague, kind="action_taken", text="Colin's."
    )

    stale = client.post(
        page_url,
        {"lock_version": opened, "kind": "action_proposed", "text": "Dana's.", "force_comment": ""},
    )

    assert stale.status_code == 200
    assert textarea(stale.content, "text") == "Dana's."
    assert "The explanation as saved now Action taken Colin's." in text_of(stale.content)
    assert Explanation.objects.get(response=response, finding=r1).text == "Colin's."


def test_explanations_of_different_recommendations_do_not_block_each_other(
    client, response, drafter, colleague, report
):
    r1, r2 = report.findings.recommendations()
    client.force_login(drafter)
    opened = hidden_lock_version(
        client.get(reverse("responses:explanation", args=[response.pk, r1.pk])).content
    )
    explanation_save(
        response=response, finding=r2, acting_user=colleague, kind="action_taken", text="R2."
    )

    page = client.post(
        reverse("responses:explanation", args=[response.pk, r1.pk]),
        {"lock_version": opened, "kind": "action_proposed", "text": "R1.", "force_comment": ""},
    )

    assert page.status_code == 302
    assert Explanation.objects.get(response=response, finding=r1).text == "R1."
    assert Explanation.objects.get(response=response, finding=r2).text == "R2."


def test_the_forces_draft_is_protected_the_same_way(client, response, drafter, norfolk):
    response = response_invite_force(
        response=response, invited_on=INVITED_ON, reply_by=REPLY_BY, acting_user=drafter
    )
    first, second = force_user(norfolk.force), force_user(norfolk.force, full_name="Sam Second")
    page_url = reverse("responses:force-edit", args=[response.pk])
    client.force_login(first)
    opened = hidden_lock_version(client.get(page_url).content)
    form = {"author_name": "", "author_role": "", "action": "save"}
    client.force_login(second)
    assert (
        client.post(page_url, form | {"lock_version": opened, "text": "Sam's draft."}).status_code
        == 302
    )

    client.force_login(first)
    stale = client.post(page_url, form | {"lock_version": opened, "text": "My draft."})

    assert stale.status_code == 200
    assert textarea(stale.content, "text") == "My draft."
    assert "The comments as saved now Sam's draft." in text_of(stale.content)
    saved = Response.objects.get(pk=response.pk)
    assert saved.force_comments == "Sam's draft."
    assert saved.status == Status.AWAITING_FORCE
