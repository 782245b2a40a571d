"""The tracker in the reader's language: the list's day counts in each language's plural forms,
and the history reasons the tracker's services write shown in Welsh to a Welsh reader."""

from datetime import timedelta

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import user_set_language
from core.history import reason_text
from tests.public.test_welsh_pages import interface_text
from tracking.rag import Status
from tracking.services import progress_update_add, tracker_item_set_tags, tracker_items_bulk_update

pytestmark = pytest.mark.django_db

WELSH = f"{settings.BASE_DIR}/locale/cy/LC_MESSAGES/django.po"


def _page(client, user, name, *args, language="cy") -> str:
    user_set_language(user=user, language=language)
    client.force_login(user)
    page = client.get(reverse(f"tracking:{name}", args=args))
    assert page.status_code == 200
    return interface_text(page.content.decode())


def test_the_lists_day_count_is_a_plural_message_with_every_welsh_form():
    catalogue = polib.pofile(WELSH)
    nplurals = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    entry = catalogue.find("%(n)s day ago")
    assert entry is not None and entry.msgid_plural == "%(n)s days ago"
    assert sorted(entry.msgstr_plural) == list(range(nplurals))
    assert all("diwrnod yn ôl" in form for form in entry.msgstr_plural.values())


@pytest.mark.parametrize(
    ("days", "english", "welsh"),
    [
        (1, "yesterday", "ddoe"),
        (2, "2 days ago", "2 diwrnod yn ôl"),
        (8, "8 days ago", "8 diwrnod yn ôl"),
    ],
)
def test_the_list_says_how_long_ago_the_last_update_was_in_each_language(
    client, item, drafter, days, english, welsh
):
    progress_update_add(
        item=item,
        acting_user=drafter,
        text="Audit started.",
        date=timezone.localdate() - timedelta(days=days),
    )
    assert english in _page(client, drafter, "item-list", language="en-gb")
    assert welsh in _page(client, drafter, "item-list")


def _reasons(item) -> list[str]:
    return list(
        item.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )


def test_the_trackers_reasons_are_stored_in_english_whoever_acts(item, drafter):
    with translation.override("cy"):  # a Welsh reader acting
        progress_update_add(
            item=item, acting_user=drafter, text="Audit started.", status=Status.IN_PROGRESS
        )
        tracker_item_set_tags(item=item, acting_user=drafter)
        tracker_items_bulk_update(items=[item], acting_user=drafter, area="Custody")

    reasons = _reasons(item)
    assert "Progress update: status open -> in progress" in reasons
    assert "Tags changed: none" in reasons
    assert "Changed area" in reasons


@pytest.mark.parametrize(
    ("stored", "welsh"),
    [
        ("Tracking started", "Dechreuwyd tracio"),
        (
            "Tracking started when the response was published",
            "Dechreuwyd tracio pan gyhoeddwyd yr ymateb",
        ),
        (
            "Progress update: status open -> in progress",
            "Diweddariad cynnydd: statws agored -> ar y gweill",
        ),
        (
            "Closure proposed: status in progress -> pending sign-off",
            "Cynigiwyd cau: statws ar y gweill -> yn aros am gymeradwyaeth",
        ),
        ("Tags changed: none", "Newidiwyd y tagiau: dim"),
        ("Tags changed: Vetting, Custody", "Newidiwyd y tagiau: Vetting, Custody"),
        (
            "Changed for 3 items: office lead, target date",
            "Newidiwyd ar gyfer 3 eitem: arweinydd y swyddfa, dyddiad targed",
        ),
        ("Changed force lead", "Newidiwyd arweinydd yr heddlu"),
        (
            "Tracked with R1 of Custody inspection (the same recommendation)",
            "Wedi'i dracio gyda R1 o Custody inspection (yr un argymhelliad)",
        ),
        (
            "Tracked with Recommendation of Custody inspection (the same recommendation)",
            "Wedi'i dracio gyda Argymhelliad o Custody inspection (yr un argymhelliad)",
        ),
        ("Not published. Closure refused.", "Heb ei gyhoeddi. Gwrthodwyd cau."),
        (
            "Approved for the public page. Closure approved.",
            "Wedi'i gymeradwyo ar gyfer y dudalen gyhoeddus. Cymeradwywyd cau.",
        ),
        ("Not published. Not in our words.", "Heb ei gyhoeddi. Not in our words."),
    ],
)
def test_each_reason_the_tracker_writes_is_shown_in_welsh(stored, welsh):
    with translation.override("cy"):
        assert reason_text(stored) == welsh
    with translation.override("en-gb"):
        assert reason_text(stored) == stored


def test_a_welsh_reader_sees_an_items_changes_in_welsh(client, item, drafter):
    tracker_items_bulk_update(items=[item], acting_user=drafter, area="Custody")

    page = _page(client, drafter, "item-detail", item.pk)
    assert "Newidiwyd maes" in page
    assert "Changed area" not in page


# --- A closure decision's words ----------------------------------------------------------------


def _decide(item, force_person, drafter, *, approve, reason=""):
    from tracking.services import closure_decide, closure_propose

    proposal = closure_propose(item=item, acting_user=force_person, text="The audit is complete.")
    return closure_decide(proposal=proposal, acting_user=drafter, approve=approve, reason=reason)


def _raw(client, user, name, *args, language="cy") -> str:
    user_set_language(user=user, language=language)
    client.force_login(user)
    return client.get(reverse(f"tracking:{name}", args=args)).content.decode()


def test_a_refusal_is_in_welsh_on_a_welsh_page_with_the_reason_as_written(
    client, item, force_person, drafter
):
    """The update's text was shown as stored: "Closure refused: ..." in English inside the
    Welsh page. The product's words are in Welsh now, the office's reason as typed and marked as
    English."""
    with translation.override("cy"):  # a Welsh reader deciding: stored in English all the same
        decided = _decide(item, force_person, drafter, approve=False, reason="No audit results.")
    assert decided.decision_update.text == "Closure refused: No audit results."

    html = _raw(client, drafter, "item-detail", item.pk)
    assert 'Gwrthodwyd cau: <span lang="en-GB">No audit results.</span>' in html
    text = interface_text(html)
    assert "Closure refused" not in text
    assert "No audit results." not in text  # marked as English

    english = _raw(client, drafter, "item-detail", item.pk, language="en-gb")
    assert '<p class="govuk-body">Closure refused: No audit results.</p>' in english
    assert 'lang="en-GB"' not in english.split('id="update-')[1]


def test_an_approval_without_a_reason_is_all_welsh(client, item, force_person, drafter):
    _decide(item, force_person, drafter, approve=True)

    text = _page(client, drafter, "item-detail", item.pk)
    assert "Cymeradwywyd cau." in text
    assert "Closure approved." not in text


def test_a_reason_of_several_paragraphs_is_marked_as_english_after_the_welsh_words(
    client, item, force_person, drafter
):
    _decide(
        item, force_person, drafter, approve=True, reason="Evidence seen.\n\n- audit\n- minutes"
    )

    html = _raw(client, drafter, "item-detail", item.pk)
    assert (
        '<p class="govuk-body">Cymeradwywyd cau.</p><div lang="en-GB"><p class="govuk-body">'
        in (html)
    )
    text = interface_text(html)
    assert "Closure approved" not in text
    assert "Evidence seen." not in text and "minutes" not in text


def test_a_decision_stored_before_is_shown_in_welsh_too(client, item, drafter):
    """Updates written before the words were declared hold the same English; one whose words
    are not the product's (changed by hand) is shown as written, marked as English."""
    from tracking.models import ProgressUpdate

    def stored(text):
        ProgressUpdate.objects.create(
            item=item,
            kind=ProgressUpdate.Kind.CLOSURE_REFUSED,
            date=timezone.localdate(),
            author=drafter,
            text=text,
        )

    stored("Closure refused: the minutes are missing.")
    stored("Refused by phone.")
    html = _raw(client, drafter, "item-detail", item.pk)
    assert 'Gwrthodwyd cau: <span lang="en-GB">the minutes are missing.</span>' in html
    assert '<div lang="en-GB"><p class="govuk-body">Refused by phone.</p></div>' in html


def test_the_history_still_shows_a_refusals_status_change_in_welsh():
    """The decision's sentences are not among the history's reasons: a closure refusal's
    status change is still the tracker's own reason."""
    with translation.override("cy"):
        assert (
            reason_text("Closure refused: status pending sign-off -> in progress")
            == "Gwrthodwyd cau: statws yn aros am gymeradwyaeth -> ar y gweill"
        )
