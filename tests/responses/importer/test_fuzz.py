"""Fuzzing: the parser never raises and never drops text, whatever it is given, and the upload
page answers any paste or file with a draft or a message on the page, never a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.models import ImportDraft
from responses.importer import parser

from .conftest import FORCE_NAMES, NORFOLK, fixture_text

# Pieces of real documents, so that the fuzzer reaches the rules and not only "not placed".
_PIECES = [
    "KEY FINDINGS:",
    "Key findings",
    "Cause for Concern:",
    "Causes of concern",
    "Recommendations:",
    "Recommendation 3",
    "Areas for improvement",
    "Area for improvement 1: The force should improve.",
    "Innovative practice",
    "Our judgements",
    "Investigating crime: Good",
    "Requires improvement",
    "CHIEF CONSTABLE RESPONSE TO REPORT AND ANY RECOMMENDATIONS:",
    "PCC RESPONSE TO REPORT AND ANY RECOMMENDATIONS:",
    "Commissioner's response to the Chief Constable's comments",
    "For Office Use Only:",
    "- \u2713 Response forwarded to HMICFRS",
    "[x] Sent to the Home Secretary",
    "Inspection Title:\tNorfolk Constabulary Crime Data Integrity inspection 2019",
    "Date Published:\t7th January 2020",
    "Type of Inspection:\tThematic",
    "Dear Mr Cooke,",
    "Yours sincerely,",
    "PRESS RELEASE",
    "ENDS",
    "Notes to editors",
    'Chief Constable Jo Bloggs said: "We accept it."',
    "The force should immediately:",
    "Within six months, chief constables should:",
    "PCC response: I will monitor it.",
    "- take steps to identify gaps;",
    "\u2022 make sure it supervises all decisions; and",
    "a) review the backlog",
    "(ii) train staff",
    "1. Introduction",
    "2.1 The force has improved.",
    "# A heading",
    "**Bold heading**",
    "It has been graded as 'requires improvement'.",
    "07/01/2020",
    "",
    " ",
    "\u00a0",
    "\u201cquoted\u201d",
]
_line = st.one_of(st.sampled_from(_PIECES), st.text(max_size=80))
_newline = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028", "\x0c"])
documents = st.lists(st.tuples(_line, _newline), max_size=60).map(
    lambda parts: "".join(line + newline for line, newline in parts)
)


def assert_no_text_dropped(result: parser.ParseResult) -> None:
    source = result.source
    seen = set()
    for span in result.placed_spans() + result.not_placed_spans():
        assert 0 <= span.start <= span.end <= len(source)
        seen.update(range(span.start, span.end))
    missing = [i for i, c in enumerate(source) if not c.isspace() and i not in seen]
    assert not missing, f"dropped {source[missing[0] : missing[0] + 40]!r}"


@settings(max_examples=150, deadline=None)
@given(documents)
def test_the_parser_reads_any_document_without_dropping_text(text):
    result = parser.parse(text, forces=FORCE_NAMES)
    assert_no_text_dropped(result)
    for item in result.items:
        assert item.kind in parser.FINDING_KINDS
        assert item.text.strip()
        assert set(item.addressees) <= set(parser.ADDRESSEES)
    for entry in result.checklist:
        assert entry.recipient in (*parser.CHECKLIST_RECIPIENTS, "")
    for judgement in result.judgements:
        assert judgement.grade in parser.GRADES


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_the_parser_reads_any_unicode_without_dropping_text(text):
    assert_no_text_dropped(parser.parse(text, forces=FORCE_NAMES))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=8000), st.integers(min_value=0, max_value=8000))
def test_any_slice_of_the_reference_document(start, length):
    text = fixture_text(NORFOLK)[start : start + length]
    assert_no_text_dropped(parser.parse(text, forces=FORCE_NAMES))


# --- The upload page -----------------------------------------------------------------------

_HTML = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<h2>",
            "</h2>",
            "<ul>",
            "<li>",
            "</ul>",
            "<table><tr><td>",
            "<br>",
            "<div>",
            "<strong>",
            "Recommendations",
            "The force should act.",
            "&amp;",
            "<!--",
            "<script>x</script>",
        ]
    ),
    max_size=40,
).map(lambda parts: "<!DOCTYPE html><html><body>" + "".join(parts))

_FILES = st.one_of(
    st.binary(max_size=3000),
    documents.map(lambda text: text.encode("utf-8")),
    documents.map(lambda text: text.encode("utf-16")),
    _HTML.map(lambda text: text.encode("utf-8")),
    st.sampled_from(
        [b"%PDF-1.4 broken", b"PK\x03\x04broken", b"\x89PNG\r\n", b"\xd0\xcf\x11\xe0", b"{\\rtf1"]
    ),
)


def _check_answer(client, response):
    assert response.status_code in (302, 400, 413), response.status_code
    if response.status_code == 302:
        draft = ImportDraft.objects.order_by("-pk").first()
        assert client.get(response.url).status_code == 200
        spans = [s for item in draft.payload["items"] for s in item["spans"]]
        for group in ("recognised", "not_placed", "judgements"):
            spans += [s for entry in draft.payload[group] for s in entry["spans"]]
        response_part = draft.payload["response"]
        for key in ("force_comments", "office_comments", "reply_to_force"):
            spans += response_part[key]["spans"]
        spans += [s for entry in response_part["checklist"] for s in entry["spans"]]
        spans += response_part["published_on_spans"] + response_part["signatory_spans"]
        for value in draft.payload["report"]["spans"].values():
            spans += value
        seen = set()
        for start, end in spans:
            seen.update(range(start, end))
        text = draft.text
        assert all(c.isspace() or i in seen for i, c in enumerate(text))
    else:
        assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_FILES)
def test_the_upload_page_answers_any_file(client, drafter, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(drafter)
    response = client.post("/import/", {"upload": SimpleUploadedFile("document", data)})
    _check_answer(client, response)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(documents, _HTML, st.text()))
def test_the_upload_page_answers_any_paste(client, drafter, text):
    client.force_login(drafter)
    response = client.post("/import/", {"text": text})
    _check_answer(client, response)
