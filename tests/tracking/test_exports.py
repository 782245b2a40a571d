"""CSV and XLSX exports hold exactly the rows the tracker list shows with the same filters and
sorting (every page of it), and never let a cell become a spreadsheet formula."""

import codecs
import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tracking import exports, views
from tracking.exports import HEADINGS
from tracking.rag import Status
from tracking.services import progress_update_add, tracker_items_bulk_update

pytestmark = pytest.mark.django_db


def _page_rows(client, query: str):
    page = client.get(reverse("tracking:item-list") + "?" + query)
    assert page.status_code == 200
    return page


def _csv(client, query: str, *, headings: list[str] = HEADINGS) -> list[dict]:
    """The CSV's rows under `headings`, each keyed by the English heading."""
    response = client.get(reverse("tracking:export-csv") + "?" + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tracker-')
    assert response.streaming  # rows leave as they are read, whatever their number
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # so that Excel reads it as UTF-8
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == headings
    return [dict(zip(HEADINGS, row, strict=True)) for row in rows[1:]]


def _xlsx(client, query: str, *, headings: list[str] = HEADINGS) -> list[dict]:
    response = client.get(reverse("tracking:export-xlsx") + "?" + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == headings
    return [dict(zip(HEADINGS, row, strict=True)) for row in rows[1:]], sheet


def _welsh_headings() -> list[str]:
    with translation.override("cy"):
        return exports.headings()


@pytest.fixture
def varied(items, drafter, approver, force_person):
    """R1 in progress and led by the approver; R2 and AFI1 open."""
    r1, r2, afi = items
    progress_update_add(
        item=r1, acting_user=force_person, text="Audit started.", status=Status.IN_PROGRESS
    )
    tracker_items_bulk_update(items=[r1], acting_user=drafter, office_lead=approver)
    return items


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=open",
        "status=in_progress",
        "rag=red&rag=amber",
        "owner=none&sort=target",
        "q=audit",
        "kind=afi",
        "overdue=on&sort=rag",
        "no_update_days=1",
    ],
)
def test_exports_hold_the_same_rows_in_the_same_order_as_the_page(client, varied, drafter, query):
    client.force_login(drafter)

    page = _page_rows(client, query)
    shown = [(row.reference, Status(row.status).label) for row in page.context["rows"]]
    in_csv = [(r["Reference"], r["Status"]) for r in _csv(client, query)]
    xlsx_rows, _ = _xlsx(client, query)
    in_xlsx = [(r["Reference"], r["Status"]) for r in xlsx_rows]

    assert in_csv == shown
    assert in_xlsx == shown


def test_the_csv_leaves_in_pieces_of_many_rows_not_a_row_at_a_time(
    client, varied, drafter, monkeypatch
):
    # Through gunicorn each piece of a streamed response is a chunk and a write of its own.
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 2)
    client.force_login(drafter)

    response = client.get(reverse("tracking:export-csv"))
    pieces = list(response.streaming_content)

    assert len(pieces) == 2  # the headings and two rows, then the third row
    text = b"".join(pieces).decode("utf-8-sig")
    assert [r["Reference"] for r in csv.DictReader(io.StringIO(text))] == ["R1", "R2", "AFI1"]
    assert text.count("\r\n") == 4


def test_a_csv_of_no_rows_has_its_headings(client, varied, suffolk_drafter):
    client.force_login(suffolk_drafter)

    response = client.get(reverse("tracking:export-csv"))
    pieces = list(response.streaming_content)

    assert len(pieces) == 1
    assert pieces[0].decode("utf-8-sig") == ",".join(HEADINGS) + "\r\n"


def test_a_filter_changes_what_is_exported(client, varied, drafter, approver):
    client.force_login(drafter)

    assert [r["Reference"] for r in _csv(client, "status=in_progress")] == ["R1"]
    assert sorted(r["Reference"] for r in _csv(client, "status=open")) == ["AFI1", "R2"]
    assert [r["Reference"] for r in _csv(client, f"owner={approver.pk}")] == ["R1"]


def test_exports_hold_every_page_of_the_list(client, varied, drafter, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(drafter)

    page = _page_rows(client, "")

    assert len(page.context["rows"]) == 2
    assert page.context["page_obj"].paginator.count == 3
    assert len(_csv(client, "")) == 3


def test_export_cells_say_what_the_page_says(client, varied, drafter, approver):
    client.force_login(drafter)

    row = next(r for r in _csv(client, "") if r["Reference"] == "R1")

    assert row["Status"] == "In progress"
    assert row["RAG"] == "Red"
    assert row["Target date"] == "2020-07-07"
    assert row["Overdue"] == "Yes"
    assert row["Office lead"] == approver.display_name
    assert row["Latest update"] == "Audit started."
    assert row["Report"] == "Norfolk crime data integrity inspection 2019"


def test_an_update_that_looks_like_a_formula_stays_text(client, item, drafter):
    progress_update_add(item=item, acting_user=drafter, text='=HYPERLINK("http://evil.example")')
    client.force_login(drafter)

    row = next(r for r in _csv(client, "") if r["Reference"] == "R1")
    xlsx_rows, sheet = _xlsx(client, "")

    assert row["Latest update"] == '\'=HYPERLINK("http://evil.example")'
    column = HEADINGS.index("Latest update")
    cell = next(
        r[column] for r in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(r[column].value)
    )
    assert cell.data_type == "s"  # a string cell, not a formula ("f")
    assert cell.value == '=HYPERLINK("http://evil.example")'
    assert len(xlsx_rows) == 3


def test_another_office_exports_none_of_norfolks_items(client, varied, suffolk_drafter):
    client.force_login(suffolk_drafter)

    assert _csv(client, "") == []


def test_an_invalid_filter_exports_nothing_and_says_why(client, varied, drafter):
    client.force_login(drafter)

    response = client.get(reverse("tracking:export-csv") + "?no_update_days=lots")
    page = client.get(reverse("tracking:item-list") + "?no_update_days=lots")

    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert page.context["rows"] == []
    assert "There is a problem" in page.content.decode()


def _decide(item, force_person, drafter, *, approve, reason=""):
    from tracking.services import closure_decide, closure_propose

    proposal = closure_propose(item=item, acting_user=force_person, text="The audit is done.")
    return closure_decide(proposal=proposal, acting_user=drafter, approve=approve, reason=reason)


def test_a_welsh_export_has_a_closure_decisions_words_in_welsh_and_the_reason_as_written(
    client, items, drafter, force_person
):
    """The "Latest update" of a Welsh export held the stored English ("Closure refused: ...").
    The product's words are in the reader's language now, the office's reason as written (a
    cell is plain text: nothing can mark its language)."""
    from accounts.services import user_set_language

    r1, r2, afi = items
    _decide(r1, force_person, drafter, approve=False, reason="No audit results.")
    _decide(r2, force_person, drafter, approve=True)
    user_set_language(user=drafter, language="cy")
    client.force_login(drafter)

    query = "status=open&status=complete"
    rows = {r["Reference"]: r for r in _csv(client, query, headings=_welsh_headings())}
    xlsx_rows, _sheet = _xlsx(client, query, headings=_welsh_headings())
    cells = {r["Reference"]: r["Latest update"] for r in xlsx_rows}

    assert rows["R1"]["Latest update"] == "Gwrthodwyd cau: No audit results."
    assert cells["R1"] == "Gwrthodwyd cau: No audit results."
    assert rows["R2"]["Latest update"] == "Cymeradwywyd cau."
    assert cells["R2"] == "Cymeradwywyd cau."


def test_an_english_export_has_a_closure_decision_as_stored(client, items, drafter, force_person):
    r1, r2, afi = items
    _decide(r1, force_person, drafter, approve=False, reason="No audit results.")
    _decide(r2, force_person, drafter, approve=True, reason="Evidence seen.")
    client.force_login(drafter)

    rows = {r["Reference"]: r for r in _csv(client, "status=open&status=complete")}
    xlsx_rows, _sheet = _xlsx(client, "status=open&status=complete")
    cells = {r["Reference"]: r["Latest update"] for r in xlsx_rows}

    assert rows["R1"]["Latest update"] == cells["R1"] == "Closure refused: No audit results."
    assert rows["R2"]["Latest update"] == cells["R2"] == "Closure approved. Evidence seen."


def test_a_welsh_export_has_welsh_headings_and_overdue_answers(client, varied, drafter):
    """A Welsh export's headings and its Overdue column's Yes/No were in English. They are
    in the reader's language now, translated before the CSV is streamed."""
    from accounts.services import user_set_language

    user_set_language(user=drafter, language="cy")
    client.force_login(drafter)
    welsh = _welsh_headings()

    csv_rows = _csv(client, "", headings=welsh)
    xlsx_rows, _sheet = _xlsx(client, "", headings=welsh)

    assert welsh[:3] == ["Cyfeirnod", "Math", "Argymhelliad neu faes i'w wella"]
    assert welsh[HEADINGS.index("Overdue")] == "Yn hwyr"
    assert welsh[-2:] == ["Diwrnodau ers y diweddariad diwethaf", "Diweddariad diweddaraf"]
    for rows in (csv_rows, xlsx_rows):
        overdue = {row["Reference"]: row["Overdue"] for row in rows}
        assert overdue == {"R1": "Ydy", "R2": "Nac ydy", "AFI1": "Nac ydy"}


_AWKWARD = [
    "plain",
    "",
    None,
    "a, b",
    'said "no"',
    "line one\nline two",
    "carriage\rreturn",
    "=SUM(A1:A2)",
    "+44 1603",
    "-minus",
    "@at",
    "\tTabbed",
    "\rstarts with a return",
    "'already quoted",
    '="both", and more',
    "Cymraeg: ŵ ŷ â",
    " spaced ",
]


@pytest.mark.parametrize("text", _AWKWARD)
def test_a_csv_row_is_what_the_standard_librarys_writer_writes(text):
    """The CSV's rows are written without `csv.writer`, a field at a time (half the export's
    CPU). The writer is the reference: for awkward text in every text and label column."""
    from datetime import date

    # Labels are always text (rows_for's); people's text may be missing.
    row = [text if i in exports._TEXT_COLUMNS else text or "" for i in range(len(HEADINGS))]
    for i in exports._DATE_COLUMNS:
        row[i] = date(2020, 7, 7) if text else None
    for i in exports._NUMBER_COLUMNS:
        row[i] = 12 if text else 0

    expected = list(row)
    for i in exports._TEXT_COLUMNS:
        value = expected[i]
        if value and value.startswith(("=", "+", "-", "@", "\t", "\r")):
            expected[i] = "'" + value
    for i in exports._DATE_COLUMNS:
        expected[i] = expected[i].isoformat() if expected[i] else ""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(expected)

    assert exports._csv_line(list(row)) == buffer.getvalue()
