"""The shared kernel: one domain error type and one optimistic-locking rule."""

import pytest

from core.errors import DomainError
from core.locking import ConcurrentEditError, bump_lock_version, check_version, fingerprint
from responses import workflow
from responses.importer.draft import DraftError
from responses.importer.services import DraftConflict
from tracking.workflow import TrackingError


@pytest.mark.parametrize(
    "error", [workflow.WorkflowError, workflow.ConcurrentEditError, TrackingError, DraftError]
)
def test_every_refusal_is_a_domain_error_with_problems(error):
    refused = error("Say why.", problems=["Say why.", "Add a date."])
    assert isinstance(refused, DomainError)
    assert refused.problems == ["Say why.", "Add a date."]
    assert error("Say why.").problems == ["Say why."]


@pytest.mark.parametrize("conflict", [workflow.ConcurrentEditError, DraftConflict])
def test_every_edit_conflict_is_the_one_concurrent_edit_error(conflict):
    assert issubclass(conflict, ConcurrentEditError)


def test_a_stale_version_is_refused_with_the_callers_message_and_type():
    with pytest.raises(workflow.ConcurrentEditError, match="Someone else saved it"):
        check_version(
            expected=3,
            current=4,
            message="Someone else saved it",
            error=workflow.ConcurrentEditError,
        )


def test_the_current_version_or_none_is_accepted():
    check_version(expected=4, current=4, message="x")
    check_version(expected="4", current=4, message="x")  # from a form's hidden input
    check_version(expected=None, current=4, message="x")  # not an editor


def test_bumping_counts_a_save_and_names_the_field():
    class Record:
        lock_version = 7

    record = Record()
    assert bump_lock_version(record) == ["lock_version"]
    assert record.lock_version == 8


def test_a_fingerprint_changes_with_any_value():
    assert fingerprint(["a", 1]) == fingerprint(["a", 1])
    assert fingerprint(["a", 1]) != fingerprint(["a", 2])


def test_a_long_date_is_written_out_the_govuk_way():
    from datetime import date

    from core.dates import long_date

    assert long_date(date(2020, 3, 2)) == "2 March 2020"
    assert long_date(date(2020, 3, 2), weekday=True) == "Monday 2 March 2020"


def test_a_moment_is_written_as_the_local_date_it_falls_on(settings):
    from datetime import UTC, datetime

    from django.template import Context, Template

    settings.TIME_ZONE = "Europe/London"
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    moment = datetime(2020, 6, 30, 23, 30, tzinfo=UTC)
    page = Template(
        '{% load dates %}{{ m|long_date }}|{{ m|long_date:"weekday" }}|{{ n|long_date }}'
    )
    assert page.render(Context({"m": moment, "n": None})) == "1 July 2020|Wednesday 1 July 2020|"
