"""The register's CSV (`public.register.csv_rows`, `public.csvfiles`): each row has the values
the API gives for the same item, no cell can run as a spreadsheet formula, and the file is
streamed in chunks of about CHUNK_SIZE characters after the header, not a chunk per row."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Addressee, ReportType
from public import csvfiles
from public.models import PublishedItem
from public.register import CSV_HEADER
from tests.factories import policing_body
from tracking.rag import Status

from .conftest import publish

pytestmark = pytest.mark.django_db


def _chunks(client, **params) -> list[str]:
    response = client.get(reverse("public:register-csv"), params)
    assert response.status_code == 200
    return [chunk.decode("utf-8") for chunk in response.streaming_content]


def _rows(client, **params) -> list[dict]:
    text = "".join(_chunks(client, **params))
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_csv_row_has_the_values_the_api_gives_for_it(client):
    norfolk = publish(title="Custody inspection", recommendations=2, afis=1)
    suffolk = publish(body=policing_body("suffolk-pcc"), title="Vetting inspection", afis=0)
    items = list(PublishedItem.objects.filter(record__response=norfolk).order_by("position"))
    past = timezone.localdate() - timedelta(days=30)
    # Open and past its target date; in progress with a public update; not tracked.
    PublishedItem.objects.filter(pk=items[0].pk).update(public_status=Status.OPEN, target_date=past)
    PublishedItem.objects.filter(pk=items[1].pk).update(
        public_status=Status.IN_PROGRESS, last_public_update_on=date(2020, 3, 5)
    )
    PublishedItem.objects.filter(pk=items[2].pk).update(public_status="", target_date=None)
    # Addressed to every local policing body, named for the body reading it.
    PublishedItem.objects.filter(record__response=suffolk).update(
        addressees=[Addressee.POLICING_BODIES, Addressee.HOME_OFFICE, "retired_code"]
    )

    rows = _rows(client)
    api = {
        (r["response_id"], r["finding_id"]): r
        for r in client.get(reverse("public:api-register-list"), {"page_size": 200}).json()[
            "results"
        ]
    }

    assert list(rows[0]) == CSV_HEADER
    assert len(rows) == len(api) == 5
    for row in rows:
        item = api[(int(row["response_id"]), int(row["finding_id"]))]
        expected = {
            **{k: "" if v is None else str(v) for k, v in item.items() if k in CSV_HEADER},
            "kind": PublishedItem.Kind(item["kind"]).label,
            "report_type": ReportType(item["report_type"]).label,
            "addressees": "; ".join(item["addressee_labels"]),
            "overdue": "yes" if item["overdue"] else "no",
        }
        assert row == expected
    by_finding = {int(r["finding_id"]): r for r in rows}
    assert by_finding[items[0].finding_id]["overdue"] == "yes"
    assert by_finding[items[0].finding_id]["target_date"] == past.isoformat()
    assert by_finding[items[1].finding_id]["public_status"] == "in_progress"
    assert by_finding[items[1].finding_id]["last_public_update_on"] == "2020-03-05"
    assert by_finding[items[2].finding_id]["public_status"] == "not_tracked"
    assert by_finding[items[2].finding_id]["kind"] == "Area for improvement"
    suffolk_row = next(r for r in rows if r["policing_body"] == "suffolk-pcc")
    assert suffolk_row["addressees"] == (
        f"{suffolk.policing_body.addressee_label}; The Home Office"
    )
    assert suffolk_row["response_url"].endswith(reverse("public:response", args=[suffolk.pk]))
    assert suffolk_row["report_page_url"].endswith(
        reverse("public:report", args=[suffolk.report_id])
    )


def test_register_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    response = publish(title='=HYPERLINK("http://evil.example")', recommendations=1, afis=0)
    PublishedItem.objects.filter(record__response=response).update(
        text="-2+3 is what the force should count", reference="@R1", timescale_text="+6 months"
    )

    (row,) = _rows(client)

    assert row["report_title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["text"] == "'-2+3 is what the force should count"
    assert row["reference"] == "'@R1"
    assert row["timescale"] == "'+6 months"


def test_the_csv_is_sent_in_chunks_of_rows_after_its_header(client, monkeypatch):
    publish(recommendations=6, afis=2)
    publish(body=policing_body("suffolk-pcc"), recommendations=6, afis=2)

    # Everything in one chunk after the header: not a chunk per row.
    header, *rest = _chunks(client)
    assert header == "\ufeff" + ",".join(CSV_HEADER) + "\r\n"
    assert len(rest) == 1 and rest[0].count("\r\n") >= 16

    # With smaller chunks, each but the last holds at least CHUNK_SIZE characters of whole
    # rows, and together they are the same file.
    monkeypatch.setattr(csvfiles, "CHUNK_SIZE", 1000)
    small_header, *small = _chunks(client)
    assert small_header == header
    assert len(small) > 2
    assert all(len(chunk) >= 1000 for chunk in small[:-1])
    assert all(chunk.endswith("\r\n") for chunk in small)
    assert "".join(small) == rest[0]
