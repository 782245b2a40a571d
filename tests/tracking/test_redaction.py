"""Redaction of public progress updates: the office marks a passage of an update's text with a
reason category; the public reads "[redacted: reason]" in its place (the rule and storage of
the response's redactions, responses/redaction.py); the staff read the update whole, with the
marks beside it, and the history records who redacted what."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from core.history import reason_text
from tests.factories import make_response
from tracking.models import ProgressRedaction, ProgressUpdate
from tracking.selectors import public_progress_for_response
from tracking.services import (
    progress_redaction_add,
    progress_redaction_remove,
    progress_update_add,
)
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db

NAME = "Mrs Jane Example"
TEXT = f"{NAME} led the audit of custody records with {NAME}'s team."
MARKER = "[redacted: personal data]"


@pytest.fixture
def public_update(item, drafter):
    return progress_update_add(
        item=item, acting_user=drafter, text=TEXT, date=date(2020, 3, 2), is_public=True
    )


@pytest.fixture
def published(report, norfolk, drafter):
    """Norfolk's response to the report, marked published (the public progress selector reads
    only the body and the report)."""
    return make_response(report=report, body=norfolk, acting_user=drafter)


def _text(page) -> str:
    """A page's words, without its tags."""
    return unescape(re.sub(r"<[^>]+>", "", page.content.decode()))


def _public_texts(response, item) -> list[str]:
    progress = public_progress_for_response(response)
    return [u["text"] for u in progress[item.finding_id]["public_updates"]]


def test_the_public_reads_the_marker_and_the_staff_the_whole_text(
    published, item, public_update, drafter
):
    progress_redaction_add(
        update=public_update, passage=NAME, reason="personal_data", acting_user=drafter
    )

    assert _public_texts(published, item) == [
        f"{MARKER} led the audit of custody records with {MARKER}'s team."
    ]
    assert ProgressUpdate.objects.get(pk=public_update.pk).text == TEXT


def test_other_reasons_show_their_words(published, item, public_update, drafter):
    progress_redaction_add(
        update=public_update,
        passage="custody records",
        reason="other",
        other_reason="  a site name ",
        acting_user=drafter,
    )

    assert "[redacted: a site name]" in _public_texts(published, item)[0]


def test_redaction_and_its_removal_are_in_the_history(item, public_update, drafter):
    row = progress_redaction_add(
        update=public_update, passage=NAME, reason="legal_advice", acting_user=drafter
    )
    added = ProgressRedaction.history.get(id=row.pk, history_type="+")
    assert added.history_user == drafter
    assert added.history_change_reason == (
        "Passage of the update of 2 March 2020 redacted (legal advice)"
    )
    assert item.history.first().history_change_reason == added.history_change_reason
    # Stored in English, shown in the reader's language.
    with translation.override("cy"):
        welsh = reason_text(added.history_change_reason)
    assert "2 Mawrth 2020" in welsh and "legal advice" not in welsh

    progress_redaction_remove(redaction_id=row.pk, acting_user=drafter)

    assert not ProgressRedaction.objects.exists()
    removed = ProgressRedaction.history.get(id=row.pk, history_type="-")
    assert removed.history_change_reason == (
        "Redaction of a passage of the update of 2 March 2020 removed (legal advice)"
    )
    assert removed.passage == NAME  # the history keeps what was redacted


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"passage": "Mr Nobody"}, "That passage is not in the update"),
        ({"passage": "  "}, "Enter the passage to redact"),
        ({"reason": "embarrassing"}, "Choose why the passage is redacted."),
        ({"reason": "other"}, "Say why the passage is redacted"),
    ],
)
def test_what_cannot_be_redacted(public_update, drafter, kwargs, problem):
    with pytest.raises(TrackingError) as error:
        progress_redaction_add(
            update=public_update,
            acting_user=drafter,
            **{"passage": NAME, "reason": "personal_data", **kwargs},
        )

    assert error.value.problems[0].startswith(problem)
    assert not ProgressRedaction.objects.exists()


def test_a_passage_is_redacted_once(public_update, drafter):
    progress_redaction_add(
        update=public_update, passage=NAME, reason="personal_data", acting_user=drafter
    )
    with pytest.raises(TrackingError, match="already redacted"):
        progress_redaction_add(
            update=public_update, passage=NAME, reason="legal_advice", acting_user=drafter
        )


def test_a_private_update_has_nothing_to_redact(item, drafter):
    private = progress_update_add(item=item, acting_user=drafter, text=TEXT)

    with pytest.raises(TrackingError, match="not for the public page"):
        progress_redaction_add(
            update=private, passage=NAME, reason="personal_data", acting_user=drafter
        )


def test_only_the_offices_staff_redact(public_update, force_person, suffolk_drafter, drafter):
    for person in (force_person, suffolk_drafter):
        with pytest.raises(TrackingError, match="Only the office's staff"):
            progress_redaction_add(
                update=public_update, passage=NAME, reason="personal_data", acting_user=person
            )
    row = progress_redaction_add(
        update=public_update, passage=NAME, reason="personal_data", acting_user=drafter
    )
    with pytest.raises(TrackingError, match="Only the office's staff"):
        progress_redaction_remove(redaction_id=row.pk, acting_user=force_person)
    assert ProgressRedaction.objects.count() == 1


def test_the_force_cannot_redact_as_it_writes(item, force_person):
    with pytest.raises(TrackingError, match="Only the office's staff"):
        progress_update_add(
            item=item,
            acting_user=force_person,
            text=TEXT,
            is_public=True,
            redactions=[{"passage": NAME, "reason": "personal_data"}],
        )
    assert not ProgressUpdate.objects.filter(text=TEXT).exists()


def test_an_update_written_with_a_bad_redaction_is_not_recorded(item, drafter):
    with pytest.raises(TrackingError, match="That passage is not in the update"):
        progress_update_add(
            item=item,
            acting_user=drafter,
            text=TEXT,
            is_public=True,
            redactions=[{"passage": "Mr Nobody", "reason": "personal_data"}],
        )
    assert not ProgressUpdate.objects.filter(text=TEXT).exists()


def test_public_progress_with_redactions_costs_three_queries(
    published, item, public_update, drafter, django_assert_num_queries
):
    progress_redaction_add(
        update=public_update, passage=NAME, reason="personal_data", acting_user=drafter
    )
    progress_update_add(
        item=item,
        acting_user=drafter,
        text=f"Then {NAME} again.",
        is_public=True,
        redactions=[{"passage": NAME, "reason": "personal_data"}],
    )
    with django_assert_num_queries(3):
        texts = _public_texts(published, item)
    assert texts[-1] == f"Then {MARKER} again."


# --- The staff pages ------------------------------------------------------------------------------


def test_the_office_redacts_a_passage_on_the_updates_page(client, item, public_update, drafter):
    client.force_login(drafter)
    url = reverse("tracking:progress-redactions", args=[item.pk, public_update.pk])
    assert client.get(url).status_code == 200

    result = client.post(url, {"passage": NAME, "reason": "personal_data"}, follow=True)

    html = unescape(result.content.decode())
    assert "The passage is redacted in what the public reads." in html
    assert f"{MARKER} led the audit" in html  # what the public reads
    assert TEXT in html  # and the text as written
    row = ProgressRedaction.objects.get()
    assert (row.update, row.passage, row.created_by) == (public_update, NAME, drafter)

    # The item's timeline shows the whole text, the marks and the link to change them.
    timeline = _text(client.get(reverse("tracking:item-detail", args=[item.pk])))
    assert "1 passage is redacted in what the public reads" in timeline
    assert f"“{NAME}”, shown as {MARKER}" in timeline
    assert "Change the redactions" in timeline

    remove = reverse("tracking:progress-redaction-remove", args=[item.pk, public_update.pk, row.pk])
    assert remove in html
    result = client.post(remove, follow=True)
    assert "The redaction is removed" in result.content.decode()
    assert not ProgressRedaction.objects.exists()


def test_the_page_shows_what_is_wrong(client, item, public_update, drafter):
    client.force_login(drafter)
    url = reverse("tracking:progress-redactions", args=[item.pk, public_update.pk])

    html = client.post(url, {"passage": "Mr Nobody", "reason": "personal_data"}).content.decode()

    assert "There is a problem" in html
    assert "That passage is not in the update" in html
    assert not ProgressRedaction.objects.exists()


def test_the_force_cannot_open_the_redaction_page(client, item, public_update, force_person):
    client.force_login(force_person)
    url = reverse("tracking:progress-redactions", args=[item.pk, public_update.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"passage": NAME, "reason": "personal_data"}).status_code == 403
    timeline = client.get(reverse("tracking:item-detail", args=[item.pk])).content.decode()
    assert url not in timeline


def test_another_office_gets_404(client, item, public_update, suffolk_drafter):
    client.force_login(suffolk_drafter)
    url = reverse("tracking:progress-redactions", args=[item.pk, public_update.pk])

    assert client.get(url).status_code == 404


def test_the_office_sees_the_redactions_before_deciding_on_the_forces_proposal(
    client, item, drafter, force_person
):
    update = progress_update_add(
        item=item, acting_user=force_person, text=TEXT, date=date(2020, 3, 2), is_public=True
    )
    progress_redaction_add(update=update, passage=NAME, reason="personal_data", acting_user=drafter)
    client.force_login(drafter)

    page = client.get(
        reverse("tracking:proposal-decide", args=[item.pk, update.public_proposal.pk])
    )
    html = unescape(page.content.decode())

    assert f"“{NAME}”, shown as {MARKER}" in _text(page)
    # The office's own words, if it edits, start from the text as the public would read it.
    assert f"\n{MARKER} led the audit of custody records with {MARKER}'s team.</textarea>" in html


def test_the_office_redacts_a_passage_as_it_writes_a_public_update(
    client, published, item, drafter
):
    client.force_login(drafter)
    url = reverse("tracking:update-add", args=[item.pk])
    form = {
        "date_day": 2,
        "date_month": 3,
        "date_year": 2020,
        "text": TEXT,
        "status": "no_change",
        "is_public": "on",
    }

    # Not public: nothing to redact.
    refused = client.post(url, {**form, "is_public": "", "redact_passage": NAME})
    assert "Only a public update&#x27;s text is redacted" in refused.content.decode()
    assert not ProgressUpdate.objects.filter(text=TEXT).exists()

    client.post(url, {**form, "redact_passage": NAME, "redact_reason": "personal_data"})

    update = ProgressUpdate.objects.get(text=TEXT)
    assert [(r.passage, r.reason) for r in update.redactions.all()] == [(NAME, "personal_data")]
    assert _public_texts(published, item) == [
        f"{MARKER} led the audit of custody records with {MARKER}'s team."
    ]


def test_the_forces_update_form_has_no_redaction(client, item, force_person):
    client.force_login(force_person)

    html = client.get(reverse("tracking:update-add", args=[item.pk])).content.decode()

    assert "Propose this update for the public response page" in html
    assert "redact_passage" not in html
