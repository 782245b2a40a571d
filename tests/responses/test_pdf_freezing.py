"""Frozen at publication: each published version keeps the exact PDF bytes and HTML snapshot it
was published with, with their SHA-256; later edits, amendments and new versions never change
them; a version whose PDF is missing is rendered once, from the data as it was published."""

import base64
import threading
import time

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from responses import pdf as pdf_module
from responses import tasks
from responses.models import ResponseVersion, Status
from responses.pdf import sha256, version_freeze
from responses.pdf_views import FrozenFileCorrupted
from responses.services import (
    explanation_save,
    response_record_copies,
    response_update_text,
)

from .conftest import PUBLISHED_ON
from .test_pdf import pdf_text

pytestmark = pytest.mark.django_db

PUBLISHED_TEXT = "The commissioner welcomes the report."
AMENDED_TEXT = "AMENDED-TEXT the commissioner now says something else."


@pytest.fixture
def renders(monkeypatch):
    """Counts PDF renders (the real renderer still runs)."""
    calls = []
    real = pdf_module.render_pdf

    def counting(html, **kwargs):
        calls.append(1)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf", counting)
    return calls


@pytest.fixture
def queued(monkeypatch):
    """The PDF tasks queued (the broker is the outer edge: nothing is sent)."""
    sent = []

    def enqueue_task(name, version_id):
        assert name == tasks.freeze_version_pdf.name  # the name pdf.py queues it by
        sent.append(version_id)

    monkeypatch.setattr(pdf_module, "enqueue_task", enqueue_task)
    monkeypatch.setattr(tasks.freeze_version_pdf, "delay", sent.append)  # the catch-up's
    return sent


@pytest.fixture
def reference_data(transactional_db):
    """Committed data for another thread or server means a transactional test, which may start
    from the empty database another transactional test's flush left behind: load the forces and
    policing bodies with the idempotent loader their data migration runs."""
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


def download(client, version):
    return client.get(reverse("pdf:version", args=[version.response_id, version.number]))


def _amend_and_edit(flow, text=AMENDED_TEXT):
    flow.do("amend")
    flow.response = response_update_text(
        response=flow.response, acting_user=flow.drafter, office_comments=text
    )
    explanation_save(
        response=flow.response,
        finding=flow.report.findings.recommendations().first(),
        acting_user=flow.drafter,
        kind="action_taken",
        text=f"{text} (explanation)",
        force_comment=f"{text} (force)",
    )
    flow.response = flow.refreshed()


def test_publishing_stores_the_snapshot_at_once_and_queues_the_pdf(
    flow, queued, django_capture_on_commit_callbacks
):
    flow.drive(Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        flow.do("publish")

    version = flow.refreshed().versions.get()
    assert PUBLISHED_TEXT in version.html_snapshot
    assert version.html_sha256 == sha256(version.html_snapshot)
    assert version.pdf is None and version.pdf_sha256 == ""
    assert queued == [version.pk]


def test_the_task_renders_and_stores_the_pdf_once(flow, renders):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()

    tasks.freeze_version_pdf.apply(args=[version.pk]).get()
    stored = ResponseVersion.objects.get(pk=version.pk)
    tasks.freeze_version_pdf.apply(args=[version.pk]).get()
    again = ResponseVersion.objects.get(pk=version.pk)

    assert renders == [1]
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert stored.pdf_sha256 == sha256(bytes(stored.pdf))
    assert bytes(again.pdf) == bytes(stored.pdf)
    assert PUBLISHED_TEXT in pdf_text(bytes(stored.pdf))


def test_the_task_ignores_a_version_that_does_not_exist(renders):
    tasks.freeze_version_pdf.apply(args=[987654]).get()

    assert renders == []


def test_missing_pdfs_are_queued_again(flow, queued):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()

    assert tasks.freeze_missing_pdfs.apply().get() == 1
    assert queued == [version.pk]


def test_download_is_byte_identical_before_and_after_later_edits(flow, client):
    flow.drive(Status.PUBLISHED)
    first = flow.refreshed().versions.get()
    before = download(client, first)

    # After publication: copies recorded, an amendment with new text, a finding and the
    # office's name corrected, then version 2 published.
    response_record_copies(response=flow.response, acting_user=flow.drafter, hmicfrs=PUBLISHED_ON)
    flow.response = flow.refreshed()
    _amend_and_edit(flow)
    finding = flow.report.findings.recommendations().first()
    finding.text = "A corrected recommendation text."
    finding.save()
    body = flow.response.policing_body
    body.name = "Renamed Police and Crime Commissioner"
    body.save()
    after_edits = download(client, first)
    flow.do("submit for approval")
    flow.do("approve")
    flow.do("publish")
    second = flow.refreshed().versions.get(number=2)
    after_second = download(client, first)
    new = download(client, second)

    assert before.status_code == after_edits.status_code == after_second.status_code == 200
    assert before.content == after_edits.content == after_second.content
    stored = ResponseVersion.objects.get(pk=first.pk)
    assert sha256(before.content) == stored.pdf_sha256
    first_text = pdf_text(before.content)
    assert PUBLISHED_TEXT in first_text
    assert AMENDED_TEXT not in first_text
    assert "Renamed" not in first_text
    # Version 2 says what it amends and carries the new text, the corrected finding and name.
    assert new.status_code == 200
    assert new.content != before.content
    new_text = pdf_text(new.content)
    assert AMENDED_TEXT in new_text
    assert "A corrected recommendation text." in new_text
    assert "Renamed Police and Crime Commissioner response to inspections" in new_text
    assert "This version Version 2, published" in new_text
    assert "Amended because: Corrected a date in R2." in new_text
    assert new["Content-Disposition"].endswith('-version-2.pdf"')


def test_a_version_frozen_late_shows_what_was_published_not_later_drafts(flow, client, renders):
    # The PDF task never ran; the office amended the response and recorded copies since.
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()
    response_record_copies(response=flow.response, acting_user=flow.drafter, panel=PUBLISHED_ON)
    flow.response = flow.refreshed()
    _amend_and_edit(flow)

    first = download(client, version)
    second = download(client, version)

    assert first.status_code == 200
    assert renders == [1]  # rendered once on the first download, then served as stored
    assert second.content == first.content
    text = pdf_text(first.content)
    assert PUBLISHED_TEXT in text
    assert "Action for R1." in text
    assert "AMENDED-TEXT" not in text
    assert "DRAFT" not in text
    # The copies were recorded after publication: the frozen file says nothing about them
    # (a "not recorded" would now be false), only what stood at publication, labelled so.
    assert "Response forwarded to the Norfolk Police and Crime Panel" not in text
    assert "As recorded when this version was published on 21 February 2020" in text
    assert "Response published on the website Yes 21 February 2020" in text
    stored = ResponseVersion.objects.get(pk=version.pk)
    assert stored.pdf_sha256 == sha256(first.content)
    assert AMENDED_TEXT not in stored.html_snapshot


def test_the_hash_shown_to_staff_is_the_hash_of_the_downloaded_bytes(flow, client):
    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.refreshed().versions.get().pk)

    page = render_to_string(
        "pdf/_response_links.html", {"response": flow.refreshed(), "can_preview": True}
    )
    got = download(client, version)

    digest = sha256(got.content)
    assert digest == version.pdf_sha256
    assert f'<code class="app-sha256 app-break-words">{digest}</code>' in page
    assert got["ETag"] == f'"{digest}"'
    assert got["Repr-Digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    assert reverse("pdf:version", args=[version.response_id, 1]) in page
    assert "first publication" in page


def test_the_staff_panel_says_when_a_pdf_is_still_being_prepared(flow):
    flow.drive(Status.PUBLISHED)

    page = render_to_string("pdf/_response_links.html", {"response": flow.refreshed()})

    assert "PDF being prepared" in page
    assert reverse("pdf:preview", args=[flow.response.pk]) not in page  # can_preview not given


def test_stored_bytes_that_no_longer_match_their_hash_are_never_served(flow, client):
    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.refreshed().versions.get().pk)
    data = bytes(version.pdf)
    tampered = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]  # one byte changed
    ResponseVersion.objects.filter(pk=version.pk).update(pdf=tampered)

    with pytest.raises(FrozenFileCorrupted):
        download(client, version)


def test_freezing_again_changes_nothing(flow, renders):
    flow.drive(Status.PUBLISHED)
    version_id = flow.refreshed().versions.get().pk
    first = version_freeze(version_id=version_id)

    _amend_and_edit(flow)
    again = version_freeze(version_id=version_id)

    assert renders == [1]
    assert bytes(again.pdf) == bytes(first.pdf)
    assert again.html_snapshot == first.html_snapshot


@pytest.mark.django_db(transaction=True)
def test_two_processes_freezing_at_once_render_and_store_once(
    reference_data, postgres_required, flow, monkeypatch
):
    flow.drive(Status.PUBLISHED)
    version_id = flow.refreshed().versions.get().pk
    calls = []
    real = pdf_module.render_pdf

    def slow_render(html, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(0.5)  # long enough for the other worker to arrive at the lock
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf", slow_render)
    results, errors = [], []

    def worker():
        try:
            results.append(version_freeze(version_id=version_id).pdf_sha256)
        except Exception as error:  # surfaced by the assertions below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(calls) == 1
    assert len(results) == 2 and results[0] == results[1]
    assert ResponseVersion.objects.get(pk=version_id).pdf_sha256 == results[0]
