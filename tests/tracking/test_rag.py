"""The RAG rating: every status against every kind of target date, and the database expression
the tracker list filters and sorts with gives the same answer as the pure function."""

from datetime import date, timedelta

import pytest

from tracking.models import TrackerItem
from tracking.rag import (
    DUE_SOON_DAYS,
    Rag,
    Status,
    is_overdue,
    rag_for,
    rag_reason,
)
from tracking.selectors import rag_expression, rag_q

TODAY = date(2025, 3, 27)

#: Every kind of target date the rule distinguishes, at and either side of each boundary.
TARGETS = {
    "none": None,
    "long passed": TODAY - timedelta(days=400),
    "yesterday": TODAY - timedelta(days=1),
    "today": TODAY,
    "tomorrow": TODAY + timedelta(days=1),
    "last amber day": TODAY + timedelta(days=DUE_SOON_DAYS),
    "first green day": TODAY + timedelta(days=DUE_SOON_DAYS + 1),
    "far off": TODAY + timedelta(days=400),
}

#: The expected rating for every status and target: the rule written out as a table.
EXPECTED = {
    Status.OPEN: {
        "none": Rag.AMBER,
        "long passed": Rag.RED,
        "yesterday": Rag.RED,
        "today": Rag.AMBER,
        "tomorrow": Rag.AMBER,
        "last amber day": Rag.AMBER,
        "first green day": Rag.GREEN,
        "far off": Rag.GREEN,
    },
    Status.PENDING_SIGN_OFF: {
        "none": Rag.GREEN,
        "long passed": Rag.AMBER,
        "yesterday": Rag.AMBER,
        "today": Rag.GREEN,
        "tomorrow": Rag.GREEN,
        "last amber day": Rag.GREEN,
        "first green day": Rag.GREEN,
        "far off": Rag.GREEN,
    },
    Status.COMPLETE: dict.fromkeys(TARGETS, Rag.COMPLETE),
    Status.SUPERSEDED: dict.fromkeys(TARGETS, Rag.CLOSED),
    Status.NOT_ACCEPTED: dict.fromkeys(TARGETS, Rag.CLOSED),
}
EXPECTED[Status.IN_PROGRESS] = dict(EXPECTED[Status.OPEN])

CASES = [(status, target) for status in Status for target in TARGETS]


def test_the_table_covers_every_status_and_every_target():
    assert set(EXPECTED) == set(Status)
    assert all(set(row) == set(TARGETS) for row in EXPECTED.values())


@pytest.mark.parametrize(("status", "target"), CASES)
def test_rag_for_every_status_and_target(status, target):
    assert (
        rag_for(status=status, target_date=TARGETS[target], today=TODAY) == EXPECTED[status][target]
    )


@pytest.mark.parametrize(("status", "target"), CASES)
def test_every_rating_has_a_reason_in_words(status, target):
    reason = rag_reason(status=status, target_date=TARGETS[target], today=TODAY)

    assert reason.endswith(".")
    assert len(reason) > 10


def test_reasons_say_how_far_the_target_date_is():
    assert rag_reason(status=Status.OPEN, target_date=TODAY - timedelta(days=1), today=TODAY) == (
        "The target date passed 1 day ago."
    )
    assert rag_reason(status=Status.OPEN, target_date=TODAY + timedelta(days=3), today=TODAY) == (
        "The target date is 3 days away."
    )
    assert rag_reason(status=Status.IN_PROGRESS, target_date=None, today=TODAY) == (
        "It has no target date."
    )


@pytest.mark.parametrize(("status", "target"), CASES)
def test_overdue_means_active_and_past_the_target_date(status, target):
    expected = status in (Status.OPEN, Status.IN_PROGRESS, Status.PENDING_SIGN_OFF) and target in (
        "long passed",
        "yesterday",
    )

    assert is_overdue(status=status, target_date=TARGETS[target], today=TODAY) is expected


@pytest.mark.django_db
def test_the_database_expression_agrees_with_rag_for_in_every_case(items, findings, norfolk):
    """One item per (status, target) case, rated by the database in one query."""
    from tests.factories import RecommendationFactory

    report = findings[0].report
    expected = {}
    for status, target in CASES:
        finding = RecommendationFactory(report=report)
        item = TrackerItem.objects.create(
            finding=finding,
            report=report,
            policing_body=norfolk,
            status=status,
            target_date=TARGETS[target],
            tracked_on=TODAY,
        )
        expected[item.pk] = rag_for(status=status, target_date=TARGETS[target], today=TODAY)

    rated = dict(
        TrackerItem.objects.filter(pk__in=expected)
        .annotate(rag=rag_expression(TODAY))
        .values_list("pk", "rag")
    )

    assert rated == {pk: rag.value for pk, rag in expected.items()}


@pytest.mark.django_db
def test_the_filter_conditions_agree_with_the_database_expression_in_every_case(
    items, findings, norfolk
):
    """One item per (status, target) case and one with a status outside the list: each
    rating, and pairs of them, select exactly the items the expression rates so."""
    from itertools import combinations

    from tests.factories import RecommendationFactory

    report = findings[0].report
    ids = []
    for status, target in [*CASES, ("not_a_status", "none"), ("not_a_status", "yesterday")]:
        ids.append(
            TrackerItem.objects.create(
                finding=RecommendationFactory(report=report),
                report=report,
                policing_body=norfolk,
                status=status,
                target_date=TARGETS[target],
                tracked_on=TODAY,
            ).pk
        )
    cases = TrackerItem.objects.filter(pk__in=ids)
    rated = dict(cases.annotate(rag=rag_expression(TODAY)).values_list("pk", "rag"))

    for chosen in [*combinations(Rag.values, 1), *combinations(Rag.values, 2)]:
        selected = set(cases.filter(rag_q(TODAY, chosen)).values_list("pk", flat=True))
        assert selected == {pk for pk, rag in rated.items() if rag in chosen}, chosen
    assert {rated[pk] for pk in ids} == set(Rag.values)
