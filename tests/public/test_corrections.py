"""The public copy follows a correction of a report's shared facts: the page, the feeds, the API
record and the CSV row show the corrected report date, due date and on-time verdict at once,
with the correction noted, without a new version of the response being published."""

import csv
import io
from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from config.celery import app as celery_app
from core.dates import long_date
from public.models import PublishedResponse
from public.services import published_responses_refresh, stale_response_ids
from responses.corrections import report_correct

from .conftest import ON_TIME, publish

pytestmark = pytest.mark.django_db

#: Published on 20 February 2020 for a report of 7 January (due 2 March): on time. The report
#: was in fact published on 20 December 2019, so the response was due 12 February: 8 days late.
EARLIER = date(2019, 12, 20)


@pytest.fixture
def eager():
    """Queued tasks run at once, in this process (as a worker would run them)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def corrected(eager):
    """A published response whose report's date was then corrected, with what follows the
    commit run (the refresh is queued and, here, run at once)."""
    response = publish(published_on=ON_TIME, title="Norfolk CDI 2019")
    assert PublishedResponse.objects.get(response=response).days_late == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        report_correct(
            report=response.report,
            published_on=EARLIER,
            reason="HMICFRS published the report on 20 December 2019.",
            acting_user=response.drafter,
        )
    return response


def test_the_public_record_takes_the_corrected_dates_and_verdict(corrected):
    record = PublishedResponse.objects.get(response=corrected)

    assert record.report_published_on == EARLIER
    assert record.due_date == date(2020, 2, 13)
    assert record.days_late == 7
    assert record.version_number == 1  # no new version was needed
    assert [note["text"] for note in record.corrections] == [
        "The report's details were corrected. Date published corrected from Tuesday 7 January "
        "2020 to Friday 20 December 2019. The response's due date moved from Monday 2 March "
        "2020 to Thursday 13 February 2020."
    ]


def test_the_public_page_shows_the_new_due_date_verdict_and_the_correction(client, corrected):
    page = client.get(reverse("public:response", args=[corrected.pk])).content.decode()

    assert "13 February 2020" in page
    assert "No, 7 days late" in page
    assert "2 March 2020" not in page.split('id="corrections"')[0]
    assert "Correction to the report's details" in page
    assert "Date published corrected from Tuesday 7 January 2020 to Friday 20 December 2019" in page


def test_the_api_record_follows_the_correction(client, corrected):
    record = client.get(reverse("public:api-response-detail", args=[corrected.pk])).json()

    assert record["due_date"] == "2020-02-13"
    assert record["days_late"] == 7
    assert record["published_within_56_days"] is False
    assert record["report"]["published_on"] == "2019-12-20"
    assert len(record["corrections"]) == 1
    assert "Date published corrected" in record["corrections"][0]["text"]


def test_the_csv_row_follows_the_correction(client, corrected):
    response = client.get(reverse("public:response-list-csv"))
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert len(rows) == 1
    row = rows[0]
    assert (row["report_published_on"], row["due_date"]) == ("2019-12-20", "2020-02-13")
    assert (row["published_within_56_days"], row["days_late"]) == ("no", "7")
    assert "Date published corrected" in row["report_corrections"]


def test_the_feed_notes_the_correction(client, corrected):
    feed = client.get(reverse("public:feed")).content.decode()

    assert "Date published corrected from Tuesday 7 January 2020" in feed
    on = PublishedResponse.objects.get().corrections[0]["on"]
    assert f"Correction of {long_date(date.fromisoformat(on))}: " in feed
    # In the Welsh feed, the date and the note in Welsh (the note is stored in English).
    welsh = client.get("/cy/feeds/responses.atom").content.decode()
    with translation.override("cy"):
        assert f"Cywiriad {long_date(date.fromisoformat(on))}" in welsh
    assert f"Cywirwyd manylion yr adroddiad. {WELSH_CHANGE}" in welsh
    assert "The report's details were corrected" not in welsh


#: The note of `corrected` in Welsh: the product's words, the fact's name and the dates.
WELSH_CHANGE = (
    "Dyddiad cyhoeddi (cywiriad): Dydd Mawrth 7 Ionawr 2020 gynt, Dydd Gwener 20 Rhagfyr 2019 "
    "bellach. Symudodd dyddiad cau'r ymateb: Dydd Llun 2 Mawrth 2020 gynt, Dydd Iau 13 Chwefror "
    "2020 bellach."
)


def test_the_welsh_page_shows_the_correction_in_welsh(client, corrected):
    """The note was shown as stored, in English inside the Welsh page; it is written in the
    page's language now, from the same stored English."""
    from tests.public.test_welsh_pages import interface_text

    url = reverse("public:response", args=[corrected.pk])
    welsh = client.get(f"/cy{url}").content.decode()
    text = interface_text(welsh)
    assert f"Cywirwyd manylion yr adroddiad. {WELSH_CHANGE}" in text
    assert "corrected" not in text
    english = client.get(url).content.decode()
    assert "The report&#x27;s details were corrected. Date published corrected from" in english


def test_a_note_stored_before_is_shown_in_welsh_too(client, corrected):
    """Notes written before the sentences were declared have the same English; one the table
    does not know is shown as stored."""
    record = PublishedResponse.objects.get(response=corrected)
    record.corrections = [
        {
            "on": "2020-03-05",
            "on_text": "5 March 2020",
            "text": "The report's details were corrected. Type of report corrected from PEEL "
            "inspection to National thematic inspection; Forces covered corrected from Norfolk to Norfolk, Suffolk.",
        },
        {"on": "2020-03-06", "on_text": "6 March 2020", "text": "Corrected by hand."},
    ]
    record.save()

    url = reverse("public:response", args=[corrected.pk])
    welsh = client.get(f"/cy{url}").content.decode()
    assert (
        "Cywirwyd manylion yr adroddiad. Math o adroddiad (cywiriad): Arolygiad PEEL gynt, "
        "Arolygiad thematig cenedlaethol bellach; Heddluoedd a gwmpesir (cywiriad): Norfolk gynt, Norfolk, Suffolk bellach."
    ) in welsh
    assert "5 Mawrth 2020" in welsh
    assert "Corrected by hand." in welsh


def test_a_copy_left_stale_by_a_lost_refresh_is_found_and_refreshed():
    response = publish(published_on=ON_TIME)
    # No commit callbacks: the queued refresh never ran (a queue that was down).
    report_correct(
        report=response.report,
        published_on=EARLIER,
        reason="Logged wrongly.",
        acting_user=response.drafter,
    )

    assert stale_response_ids() == [response.pk]
    assert published_responses_refresh() == 1
    assert stale_response_ids() == []
    assert PublishedResponse.objects.get(response=response).days_late == 7


def test_a_cached_public_page_and_list_follow_the_correction(client, eager):
    response = publish(published_on=ON_TIME)
    page_url = reverse("public:response", args=[response.pk])
    list_url = reverse("public:response-list")
    assert "Yes" in client.get(page_url).content.decode()
    client.get(list_url)
    assert client.get(page_url)["X-Public-Cache"] == "hit"

    with TestCase.captureOnCommitCallbacks(execute=True):
        report_correct(
            report=response.report,
            published_on=EARLIER,
            reason="Logged wrongly.",
            acting_user=response.drafter,
        )

    page = client.get(page_url)
    assert page["X-Public-Cache"] == "miss"
    assert "No, 7 days late" in page.content.decode()
    assert "7 days late" in client.get(list_url).content.decode()
