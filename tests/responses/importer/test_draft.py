"""Staff's corrections to a draft: re-classify, edit, reorder, merge, split, delete, add, and
place or discard what was not placed. Nothing leaves the payload."""

from datetime import date

import pytest

from responses.importer import draft as drafts
from responses.importer import parser

from .conftest import FORCE_NAMES, NORFOLK, fixture_text


@pytest.fixture
def norfolk():
    text = fixture_text(NORFOLK)
    return text, drafts.build_payload(parser.parse(text, forces=FORCE_NAMES))


@pytest.fixture
def random_text():
    text = "Some words about nothing.\n\nMore words about nothing.\n\nA third paragraph."
    return text, drafts.build_payload(parser.parse(text))


def by_kind(payload, kind):
    return [item for item in payload["items"] if item["kind"] == kind]


def test_the_payload_holds_what_was_read(norfolk):
    _text, payload = norfolk
    assert payload["report"]["title"] == "Norfolk Constabulary Crime Data Integrity inspection 2019"
    assert payload["report"]["published_on"] == "2020-01-07"
    assert payload["report"]["forces"] == ["norfolk"]
    assert len(payload["items"]) == 12 + 1 + 3 + 6
    cause = by_kind(payload, "cause_of_concern")[0]
    assert {r["cause"] for r in by_kind(payload, "recommendation")} == {cause["id"]}
    assert payload["response"]["present"] and payload["response"]["include"]
    assert payload["response"]["published_on"] == ""
    assert payload["not_placed"] == [] and payload["discarded"] == []


def test_reclassifying_a_recommendation_drops_what_only_recommendations_have(norfolk):
    _text, payload = norfolk
    r1 = by_kind(payload, "recommendation")[0]
    drafts.update_item(payload, r1["id"], kind="afi", text=r1["text"], reference=r1["reference"])
    changed = drafts.find_item(payload, r1["id"])
    assert changed["kind"] == "afi"
    assert changed["reference"] == "AFI 7"  # the next AFI number, not R1
    assert (
        changed["addressees"] == [] and changed["timescale_text"] == "" and changed["cause"] is None
    )


def test_reclassifying_a_cause_unlinks_its_recommendations(norfolk):
    _text, payload = norfolk
    cause = by_kind(payload, "cause_of_concern")[0]
    drafts.update_item(payload, cause["id"], kind="key_finding", text=cause["text"])
    assert all(r["cause"] is None for r in by_kind(payload, "recommendation"))


def test_editing_checks_the_values(norfolk):
    _text, payload = norfolk
    item = payload["items"][0]
    with pytest.raises(drafts.DraftError, match="Enter the text"):
        drafts.update_item(payload, item["id"], kind="key_finding", text="  ")
    with pytest.raises(drafts.DraftError, match="Unknown addressee"):
        drafts.update_item(payload, item["id"], kind="recommendation", text="x", addressees=["mi5"])
    with pytest.raises(drafts.DraftError, match="no longer in the draft"):
        drafts.update_item(payload, "i999", kind="key_finding", text="x")


def test_moving_items(norfolk):
    _text, payload = norfolk
    first, second = payload["items"][0]["id"], payload["items"][1]["id"]
    drafts.move_item(payload, second, "up")
    assert [i["id"] for i in payload["items"][:2]] == [second, first]
    with pytest.raises(drafts.DraftError, match="cannot move further"):
        drafts.move_item(payload, second, "up")


def test_merging_keeps_both_texts_and_both_sources(norfolk):
    text, payload = norfolk
    first, second = dict(payload["items"][0]), dict(payload["items"][1])
    count = len(payload["items"])
    drafts.merge_item_with_next(payload, first["id"])
    merged = payload["items"][0]
    assert len(payload["items"]) == count - 1
    assert merged["text"] == first["text"] + "\n\n" + second["text"]
    assert drafts.source_text(text, merged["spans"]).startswith("Since the 2014 inspection")
    assert "We also found the force has:" in drafts.source_text(text, merged["spans"])


def test_splitting_at_the_marks_the_suggestion_puts_between_paragraphs(norfolk):
    _text, payload = norfolk
    item = payload["items"][1]  # "We also found the force has:" and four bullets
    suggestion = drafts.split_suggestion(item["text"])
    assert suggestion.count(drafts.SPLIT_MARK) == 4
    drafts.split_item(payload, item["id"], suggestion)
    parts = payload["items"][1:6]
    assert [p["text"][:20] for p in parts] == [
        "We also found the fo",
        "- created and implem",
        "- recently introduce",
        "- effective processe",
        "- implemented feedba",
    ]
    assert all(p["spans"] == item["spans"] for p in parts)
    assert len({p["id"] for p in parts}) == 5


def test_split_needs_a_mark(norfolk):
    _text, payload = norfolk
    with pytest.raises(drafts.DraftError, match="three dashes|---"):
        drafts.split_item(payload, payload["items"][0]["id"], "no marks here")


def test_deleting_keeps_the_item_to_restore(norfolk):
    _text, payload = norfolk
    afi = by_kind(payload, "afi")[0]
    drafts.delete_item(payload, afi["id"])
    assert afi["id"] not in [i["id"] for i in payload["items"]]
    (discarded,) = payload["discarded"]
    drafts.restore(payload, discarded["id"])
    assert by_kind(payload, "afi")[0]["id"] == afi["id"]  # back in its place
    assert payload["discarded"] == []


def test_adding_an_item(norfolk):
    _text, payload = norfolk
    added = drafts.add_item(payload, kind="recommendation", text="The force should do more.")
    assert payload["items"][-1] is added
    assert added["reference"] == "R4" and added["spans"] == [] and added["origin"] == "added"


def test_placing_text_as_an_item_puts_it_in_document_order(random_text):
    text, payload = random_text
    (entry,) = payload["not_placed"]
    drafts.split_text(payload, entry["id"], text)
    assert [e["text"] for e in payload["not_placed"]] == [
        "Some words about nothing.",
        "More words about nothing.",
        "A third paragraph.",
    ]
    third, first = payload["not_placed"][2], payload["not_placed"][0]
    drafts.place_text(payload, third["id"], "afi")
    drafts.place_text(payload, first["id"], "key_finding")
    assert [i["text"] for i in payload["items"]] == [
        "Some words about nothing.",
        "A third paragraph.",
    ]
    assert payload["items"][1]["reference"] == "AFI 1"


def test_placing_text_in_the_comments_makes_it_a_response(random_text):
    text, payload = random_text
    (entry,) = payload["not_placed"]
    drafts.place_text(payload, entry["id"], "office_comments")
    assert payload["response"]["present"] and payload["response"]["include"]
    assert payload["response"]["office_comments"]["text"].startswith("Some words about nothing.")
    assert payload["not_placed"] == []


def test_discarding_all_text_keeps_it_to_restore(random_text):
    _text, payload = random_text
    assert drafts.discard_all_text(payload) == 1
    assert payload["not_placed"] == []
    drafts.restore(payload, payload["discarded"][0]["id"])
    assert len(payload["not_placed"]) == 1


def test_unplacing_an_item_sends_it_back(norfolk):
    _text, payload = norfolk
    item = payload["items"][0]
    drafts.unplace_item(payload, item["id"])
    assert payload["not_placed"][0]["text"] == item["text"]
    assert payload["not_placed"][0]["spans"] == item["spans"]


def test_judgements_are_replaced_and_removed_ones_kept(norfolk):
    _text, payload = norfolk
    (judgement,) = payload["judgements"]
    drafts.set_judgements(payload, [(judgement["id"], "", ""), ("", "Overall", "good")])
    assert [(j["area"], j["grade"]) for j in payload["judgements"]] == [("Overall", "good")]
    assert payload["discarded"][0]["where"] == "a graded judgement"
    with pytest.raises(drafts.DraftError, match="Choose a grade"):
        drafts.set_judgements(payload, [("", "Overall", "excellent")])


def test_ready_to_confirm_needs_the_response_date_and_everything_placed(norfolk, random_text):
    _text, payload = norfolk
    today = date(2026, 1, 1)
    assert [m for _w, m in drafts.check_ready(payload, today=today)] == [
        "Enter the date the response was published: the document does not say, and the "
        "on-time record depends on it."
    ]
    payload["response"]["published_on"] = "2020-01-06"
    assert "before the report" in drafts.check_ready(payload, today=today)[0][1]
    payload["response"]["published_on"] = "2020-02-20"
    assert drafts.check_ready(payload, today=today) == []
    _text, random_payload = random_text
    problems = [where for where, _m in drafts.check_ready(random_payload, today=today)]
    assert problems == ["report-details", "report-details", "not-placed"]
