"""The admin can read the tracker's records but never add, change or delete them."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tracking.models import ClosureProposal, EvidenceFile, PanelPack, ProgressUpdate, TrackerItem
from tracking.services import closure_propose, progress_update_add

from .conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:tracking_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client):
    """A superuser's client. (pytest-django's own hashes a password at full cost, seconds on a
    busy machine; the factory's hash is computed once.)"""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records(item, items, norfolk, drafter, force_person):
    update = progress_update_add(
        item=item,
        acting_user=force_person,
        text="As recorded.",
        files=[upload("audit.pdf", pdf_bytes())],
    )
    proposal = closure_propose(item=items[1], acting_user=force_person, text="Done.")
    # Made directly: rendering a real pack is tested in test_packs.py and costs seconds.
    pack = PanelPack(
        policing_body=norfolk,
        title="Panel pack",
        as_at=timezone.localdate(),
        created_by=drafter,
        data={"items": []},
        data_sha256="0" * 64,
        pdf=b"%PDF-1.7 stand-in",
        pdf_sha256="1" * 64,
    )
    pack.save()
    return {
        ProgressUpdate: update,
        EvidenceFile: update.evidence.get(),
        ClosureProposal: proposal,
        PanelPack: pack,
        TrackerItem: item,
    }


@pytest.mark.parametrize(
    "model", [ProgressUpdate, EvidenceFile, ClosureProposal, PanelPack, TrackerItem]
)
def test_the_admin_reads_but_never_adds_changes_or_deletes(admin_client, records, model):
    obj = records[model]
    before = model.objects.filter(pk=obj.pk).values().get()

    assert admin_client.get(_url(model, "changelist")).status_code == 200
    page = admin_client.get(_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(_url(model, "add")).status_code == 403
    assert (
        admin_client.post(_url(model, "change", obj.pk), {"text": "Rewritten."}).status_code == 403
    )
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", admin.helpers.ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)

    assert model.objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.parametrize("model", [ProgressUpdate, EvidenceFile, PanelPack])
def test_the_admin_has_no_delete_action_for_records(admin_client, records, model):
    request = admin_client.get(_url(model, "changelist")).wsgi_request
    model_admin = admin.site._registry[model]

    assert "delete_selected" not in model_admin.get_actions(request)
    assert not model_admin.has_change_permission(request, records[model])
    assert not model_admin.has_delete_permission(request, records[model])


def test_the_items_history_page_is_in_the_readers_language(client, item, force_person):
    """The admin's History page names the fields that changed and gives the reasons as the
    staff pages' history tabs do: in the reader's language (`core.admin.HistoryAdmin`)."""
    progress_update_add(item=item, acting_user=force_person, text="As recorded.")
    history = _url(TrackerItem, "history", item.pk)

    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="cy"))
    welsh = client.get(history).content.decode()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en-gb"))
    english = client.get(history).content.decode()

    assert "<strong>Diweddariad diwethaf ar:</strong>" in welsh
    assert "Diweddariad cynnydd" in welsh  # the reason, stored as "Progress update"
    assert "Last update on" not in welsh
    assert "<strong>Last update on:</strong>" in english
    assert "Progress update" in english


def test_the_admin_says_whether_a_pack_is_fit_to_publish(admin_client, records, norfolk, drafter):
    """The records' pack has no "format" in its data: made before packs held only what the
    public reads."""
    earlier = records[PanelPack]
    later = PanelPack(
        policing_body=norfolk,
        title="Later pack",
        as_at=timezone.localdate(),
        created_by=drafter,
        data={"format": 2, "items": []},
        data_sha256="0" * 64,
        pdf=b"%PDF-1.7 stand-in",
        pdf_sha256="1" * 64,
    )
    later.save()

    earlier_page = admin_client.get(_url(PanelPack, "change", earlier.pk)).content.decode()
    later_page = admin_client.get(_url(PanelPack, "change", later.pk)).content.decode()

    assert "No: made by an earlier version" in earlier_page
    assert "Yes: it holds only what the public reads." in later_page
