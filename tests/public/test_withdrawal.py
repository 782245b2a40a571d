"""A withdrawn version on the public site: its page, its PDF and the API answer 410 Gone with
the public note (what was withdrawn, why, when); the feeds, search, lists, CSV and the public
tables keep the statutory record and none of the withdrawn text; a corrected version published
as an amendment replaces the notice and keeps the note."""

import csv
import io
import json
from datetime import date

import feedparser
import pytest
from django.urls import reverse

from inspections.models import Finding
from public.models import PublishedItem, PublishedResponse
from public.services import (
    proxy_gone_paths,
    proxy_paths,
    published_responses_refresh,
    stale_response_ids,
)
from responses.models import Status
from responses.services import explanation_save, response_amend, response_withdraw

from .conftest import publish, run_on_commit
from .test_services import amend_and_publish

pytestmark = pytest.mark.django_db

SECRET = "Mrs Jane Example of 4 Privet Lane told the panel"
REASON = "The name and address of a member of the public were published by mistake."


def _published_with_personal_data():
    return publish(
        title="Norfolk custody inspection",
        office_comments=f"{SECRET} that custody waits were too long.",
        explanation=f"Reviewed after {SECRET} at the panel.",
    )


def _withdraw(response):
    return run_on_commit(
        response_withdraw, response=response, reason=REASON, acting_user=response.approver
    )


def test_the_page_answers_410_with_the_note_and_none_of_the_withdrawn_text(client):
    response = _published_with_personal_data()
    _withdraw(response)

    page = client.get(reverse("public:response", args=[response.pk]))

    assert page.status_code == 410
    text = page.content.decode()
    assert REASON in text
    assert "Version 1 of this response, published 20 February 2020, was withdrawn on" in text
    assert "Response published on" in text and "20 February 2020" in text
    assert SECRET not in text
    assert page["Cache-Control"].startswith("public")  # so the proxy's copy is replaced


def test_the_pdf_address_answers_410_with_the_note(client):
    response = _published_with_personal_data()
    assert client.get(reverse("pdf:version", args=[response.pk, 1])).status_code == 200
    _withdraw(response)

    pdf = client.get(reverse("pdf:version", args=[response.pk, 1]))

    assert pdf.status_code == 410
    assert pdf["Content-Type"].startswith("text/html")
    assert REASON in pdf.content.decode()


def test_the_api_answers_410_with_the_note_and_the_statutory_record(client):
    response = _published_with_personal_data()
    _withdraw(response)

    answer = client.get(reverse("public:api-response-detail", kwargs={"id": response.pk}))

    assert answer.status_code == 410
    data = answer.json()
    assert data["published_on"] == "2020-02-20"
    assert data["published_within_56_days"] is True
    assert data["withdrawn_on"] is not None
    assert data["withdrawals"] == [
        {
            "version": 1,
            "published_on": "2020-02-20",
            "on": data["withdrawn_on"],
            "reason": REASON,
            "reason_cy": "",  # Norfolk publishes in English only
        }
    ]
    assert data["items"] == []
    assert data["versions"][0]["pdf_url"] == ""
    assert data["versions"][0]["withdrawn"] is True
    listing = client.get(reverse("public:api-response-list")).content.decode()
    assert SECRET not in json.dumps(data) + listing


def test_the_feed_entry_becomes_the_note(client):
    response = _published_with_personal_data()
    _withdraw(response)

    feed = feedparser.parse(client.get(reverse("public:feed")).content)

    (entry,) = feed.entries
    assert entry.title.endswith("(withdrawn: version 1)")
    assert REASON in entry.summary
    assert SECRET not in entry.summary


def test_the_public_copy_keeps_the_statutory_record_and_no_withdrawn_text(client):
    response = _published_with_personal_data()
    _withdraw(response)

    record = PublishedResponse.objects.get(response=response)
    assert record.first_published_on == date(2020, 2, 20)
    assert record.days_late == 0
    assert record.is_withdrawn
    assert not PublishedItem.objects.filter(record=record).exists()
    stored = " ".join(
        str(value)
        for value in PublishedResponse.objects.filter(pk=record.pk).values().get().values()
    )
    assert "Privet Lane" not in stored
    # Search does not find it by the withdrawn words; the lists and CSV still show the record.
    searched = client.get(reverse("public:response-list"), {"q": "Privet"}).content.decode()
    assert "Norfolk custody inspection" not in searched
    listing = client.get(reverse("public:response-list")).content.decode()
    assert "Norfolk custody inspection" in listing and "Withdrawn on" in listing
    assert "Privet Lane" not in listing
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(reverse("public:response-list-csv")).streaming_content)
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    assert [row["response_published_on"] for row in rows] == ["2020-02-20"]
    sitemap = client.get(reverse("public:sitemap")).content.decode()
    assert reverse("public:response", args=[response.pk]) not in sitemap


def test_a_corrected_version_replaces_the_notice_and_keeps_the_note_and_the_first_date(client):
    response = _published_with_personal_data()
    _withdraw(response)
    response.refresh_from_db()
    assert response.status == Status.WITHDRAWN

    drafter, approver = response.drafter, response.approver
    response = response_amend(
        response=response, reason="Personal data removed.", acting_user=approver
    )
    response.drafter, response.approver = drafter, approver
    for finding in Finding.objects.filter(
        report=response.report,
        kind__in=(Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT),
    ):
        explanation_save(
            response=response,
            finding=finding,
            kind="action_proposed",
            text="Reviewed at the panel.",
            acting_user=drafter,
        )
    amend_and_publish(
        response,
        office_comments="Custody waits were too long; the force has a plan.",
        reason="Personal data removed.",
        published_on=date(2020, 3, 10),
        already_amended=True,
    )

    page = client.get(reverse("public:response", args=[response.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "the force has a plan" in text
    assert REASON in text  # the note of version 1 stays
    assert "Privet Lane" not in text
    assert client.get(reverse("pdf:version", args=[response.pk, 1])).status_code == 410
    assert client.get(reverse("pdf:version", args=[response.pk, 2])).status_code == 200
    record = PublishedResponse.objects.get(response=response)
    assert record.first_published_on == date(2020, 2, 20)
    assert not record.is_withdrawn
    assert [note["version"] for note in record.withdrawals] == [1]


def test_a_withdrawal_whose_copy_was_not_refreshed_is_found_stale_and_caught_up(client):
    response = _published_with_personal_data()
    response_withdraw(response=response, reason=REASON, acting_user=response.approver)
    # The event's subscriber has not run (no commit here).
    assert response.pk in stale_response_ids()

    published_responses_refresh()

    assert response.pk not in stale_response_ids()
    assert client.get(reverse("public:response", args=[response.pk])).status_code == 410


# --- an earlier version withdrawn (an amendment replaced it) ------------------------------------

CORRECTED = "Custody waits were too long; the force has a plan."


def _amended(response):
    """Version 2, without the personal data, published as an amendment of version 1."""
    drafter, approver = response.drafter, response.approver
    amended = response_amend(
        response=response, reason="Personal data removed.", acting_user=approver
    )
    amended.drafter, amended.approver = drafter, approver
    for finding in Finding.objects.filter(
        report=response.report,
        kind__in=(Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT),
    ):
        explanation_save(
            response=amended,
            finding=finding,
            kind="action_proposed",
            text="Reviewed at the panel.",
            acting_user=drafter,
        )
    amend_and_publish(
        amended,
        office_comments=CORRECTED,
        reason="Personal data removed.",
        published_on=date(2020, 3, 10),
        already_amended=True,
    )
    response.refresh_from_db()
    return response


def test_an_earlier_version_withdrawn_answers_410_at_its_pdf_and_the_page_keeps_the_latest(
    client,
):
    response = _amended(_published_with_personal_data())
    run_on_commit(
        response_withdraw,
        response=response,
        reason=REASON,
        acting_user=response.approver,
        version_number=1,
    )

    page = client.get(reverse("public:response", args=[response.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert CORRECTED in text
    assert "Version 1 of this response, published 20 February 2020, was withdrawn on" in text
    assert REASON in text
    assert reverse("pdf:version", args=[response.pk, 1]) not in text
    pdf = client.get(reverse("pdf:version", args=[response.pk, 1]))
    assert pdf.status_code == 410 and REASON in pdf.content.decode()
    assert client.get(reverse("pdf:version", args=[response.pk, 2])).status_code == 200
    api = client.get(reverse("public:api-response-detail", kwargs={"id": response.pk}))
    assert api.status_code == 200
    data = api.json()
    assert data["withdrawn_on"] is None
    assert [(v["number"], v["withdrawn"], bool(v["pdf_url"])) for v in data["versions"]] == [
        (1, True, False),
        (2, False, True),
    ]
    assert [(n["version"], n["reason"]) for n in data["withdrawals"]] == [(1, REASON)]
    assert SECRET not in json.dumps(data)
    entries = feedparser.parse(client.get(reverse("public:feed")).content).entries
    withdrawn = [e for e in entries if e.title.endswith("(withdrawn: version 1)")]
    assert len(withdrawn) == 1 and REASON in withdrawn[0].summary
    assert all(SECRET not in e.summary for e in entries)
    record = PublishedResponse.objects.get(response=response)
    assert record.first_published_on == date(2020, 2, 20)
    assert (record.version_number, record.is_withdrawn) == (2, False)


def test_the_latest_withdrawn_and_an_earlier_not_answers_410_and_offers_the_earlier_pdf(client):
    response = _amended(_published_with_personal_data())
    run_on_commit(
        response_withdraw, response=response, reason=REASON, acting_user=response.approver
    )

    page = client.get(reverse("public:response", args=[response.pk]))
    assert page.status_code == 410
    text = page.content.decode()
    assert "Version 2 of this response, published 10 March 2020, was withdrawn on" in text
    assert CORRECTED not in text
    assert "Earlier versions" in text
    assert reverse("pdf:version", args=[response.pk, 1]) in text
    assert reverse("pdf:version", args=[response.pk, 2]) not in text
    assert client.get(reverse("pdf:version", args=[response.pk, 1])).status_code == 200
    assert client.get(reverse("pdf:version", args=[response.pk, 2])).status_code == 410
    api = client.get(reverse("public:api-response-detail", kwargs={"id": response.pk}))
    assert api.status_code == 410
    assert api.json()["published_on"] == "2020-02-20"


def test_the_proxy_refresh_replaces_an_earlier_withdrawn_versions_pdf(client):
    response = _amended(_published_with_personal_data())
    run_on_commit(
        response_withdraw,
        response=response,
        reason=REASON,
        acting_user=response.approver,
        version_number=1,
    )
    record = PublishedResponse.objects.get(response=response)

    first_pdfs = {
        reverse("pdf:version", args=[response.pk, 1]),
        reverse("pdf:version-cy", args=[response.pk, 1]),
    }
    assert first_pdfs <= set(proxy_paths(record))
    assert proxy_gone_paths(record) == first_pdfs
    for path in first_pdfs:
        assert client.get(path).status_code == 410
