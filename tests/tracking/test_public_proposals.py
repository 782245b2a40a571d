"""The office publishes; the force proposes (tracking.publicity).

A force contributor's update that would change what the public reads (text marked public, a
change of status, a correction of a public update) is a proposal: none of it is public until an
office member approves it, publishes it in the office's words, or declines it; the decision is
recorded once, in the proposal's history and on the item's timeline. The force corrects only
the force's own updates. The office's own updates are public at once."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from core.events import deliveries_replay
from core.models import EventDelivery
from tracking.models import ProgressUpdate, PublicProposal
from tracking.publicity import Decision
from tracking.rag import Status
from tracking.selectors import public_progress_for_response
from tracking.services import (
    closure_decide,
    closure_propose,
    progress_update_add,
    public_proposal_decide,
)
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db


def public(item) -> dict:
    """What the public response page is given for the item."""
    response = SimpleNamespace(
        policing_body_id=item.policing_body_id, report_id=item.finding.report_id
    )
    return public_progress_for_response(response)[item.finding_id]


def public_texts(item) -> list[str]:
    return [u["text"] for u in public(item)["public_updates"]]


def add(item, user, text, **kwargs):
    return progress_update_add(item=item, acting_user=user, text=text, **kwargs)


def decide(update, user, decision, **kwargs):
    return public_proposal_decide(
        proposal=PublicProposal.objects.get(update=update),
        acting_user=user,
        decision=decision,
        **kwargs,
    )


# --- Statutory integrity 13: force text is a proposal the office approves -----------------------


def test_the_forces_public_text_waits_for_the_office(item, force_person):
    update = add(item, force_person, "The force audited 100 incidents.", is_public=True)

    assert public_texts(item) == []
    proposal = PublicProposal.objects.get(update=update)
    assert proposal.is_pending
    assert proposal.item == item
    assert update.by_force


def test_an_office_member_approves_it_and_the_approval_is_in_the_history(
    item, force_person, drafter
):
    update = add(item, force_person, "The force audited 100 incidents.", is_public=True)

    proposal = decide(update, drafter, Decision.APPROVED)

    assert public_texts(item) == ["The force audited 100 incidents."]
    assert proposal.decision == Decision.APPROVED
    assert proposal.decided_by == drafter and proposal.decided_at is not None
    latest = proposal.history.order_by("-history_date", "-history_id").first()
    assert latest.decision == Decision.APPROVED
    assert latest.history_user == drafter
    assert latest.history_change_reason == "Approved for the public page"
    first = proposal.history.order_by("history_date", "history_id").first()
    assert (first.decision, first.history_user) == (Decision.PENDING, force_person)


def test_the_office_edits_then_approves_and_the_forces_text_stays_as_written(
    item, force_person, approver
):
    update = add(
        item, force_person, "We audited 100 incidents; DS Smith was off sick.", is_public=True
    )

    proposal = decide(
        update, approver, Decision.EDITED, text="The force audited 100 incidents.", reason="Names"
    )

    assert public_texts(item) == ["The force audited 100 incidents."]
    replacement = proposal.replacement
    assert replacement.author == approver and not replacement.by_force
    assert replacement.is_public and replacement.date == update.date
    # The force's update is a record: never changed, never shown.
    assert ProgressUpdate.objects.get(pk=update.pk).text.endswith("DS Smith was off sick.")
    assert not hasattr(replacement, "public_proposal")


def test_the_office_declines_with_a_reason_and_nothing_is_published(item, force_person, drafter):
    update = add(item, force_person, "Operational detail.", is_public=True, status="in_progress")

    with pytest.raises(TrackingError, match="Say why"):
        decide(update, drafter, Decision.DECLINED)
    decide(update, drafter, Decision.DECLINED, reason="Operationally sensitive.")

    assert public(item) == {"status": "open", "status_label": "Open", "public_updates": []}
    assert PublicProposal.objects.get(update=update).reason == "Operationally sensitive."


def test_the_offices_own_public_update_is_public_at_once(item, drafter):
    add(item, drafter, "The office reviewed the plan.", is_public=True, status="in_progress")

    assert public_texts(item) == ["The office reviewed the plan."]
    assert public(item)["status"] == Status.IN_PROGRESS
    assert not PublicProposal.objects.exists()


def test_a_private_force_update_that_changes_nothing_public_is_not_a_proposal(item, force_person):
    add(item, force_person, "Internal note for the office.")

    assert not PublicProposal.objects.exists()


def test_only_the_items_office_decides_and_only_once(
    item, force_person, drafter, approver, suffolk_drafter
):
    update = add(item, force_person, "Done.", is_public=True)

    for outsider in (force_person, suffolk_drafter):
        with pytest.raises(TrackingError, match="Only the office's staff"):
            decide(update, outsider, Decision.APPROVED)
    decide(update, drafter, Decision.APPROVED)
    with pytest.raises(TrackingError, match="already been decided"):
        decide(update, approver, Decision.DECLINED, reason="Changed my mind.")


def test_the_database_refuses_a_decision_without_a_decider(item, force_person):
    update = add(item, force_person, "Done.", is_public=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        PublicProposal.objects.filter(update=update).update(decision=Decision.APPROVED)


# --- Security 2: the force cannot change public output without the office ---------------------


def test_the_force_cannot_correct_the_offices_update(item, force_person, drafter):
    office = add(item, drafter, "The office's public summary.", is_public=True)

    with pytest.raises(TrackingError, match="only the force's own updates"):
        add(item, force_person, "A different story.", is_public=True, corrects=office)

    assert public_texts(item) == ["The office's public summary."]
    assert ProgressUpdate.objects.filter(corrects=office).count() == 0


def test_the_force_corrects_its_own_public_update_only_with_the_offices_approval(
    item, force_person, drafter
):
    original = add(item, force_person, "1000 incidents audited.", is_public=True)
    decide(original, drafter, Decision.APPROVED)

    # A private correction would withdraw the public text: it waits too.
    withdrawal = add(item, force_person, "Withdrawn: wrong figure.", corrects=original)
    assert public_texts(item) == ["1000 incidents audited."]
    correction = add(
        item, force_person, "100 incidents audited.", is_public=True, corrects=original
    )
    assert public_texts(item) == ["1000 incidents audited."]

    decide(withdrawal, drafter, Decision.DECLINED, reason="The correction below says it.")
    decide(correction, drafter, Decision.APPROVED)
    assert public_texts(item) == ["100 incidents audited."]


def test_the_forces_change_of_status_is_public_only_once_approved(item, force_person, drafter):
    update = add(item, force_person, "Work has started.", status=Status.IN_PROGRESS)

    assert item.__class__.objects.get(pk=item.pk).status == Status.IN_PROGRESS  # for staff
    assert public(item)["status"] == Status.OPEN

    decide(update, drafter, Decision.APPROVED)
    assert public(item)["status"] == Status.IN_PROGRESS
    assert public_texts(item) == []  # the text was not marked public


def test_an_edited_status_change_takes_effect_in_the_offices_words(item, force_person, drafter):
    update = add(item, force_person, "Started; the DCI is on it.", status=Status.IN_PROGRESS)

    decide(update, drafter, Decision.EDITED, text="The force has started the work.")

    assert public(item) == {
        "status": "in_progress",
        "status_label": "In progress",
        "public_updates": [
            {
                "date": update.date,
                "text": "The force has started the work.",
                "kind": "update",
                "status_label": "",
                "is_correction": False,
            }
        ],
    }


def test_the_forces_closure_proposal_is_not_public_until_the_office_decides(
    item, force_person, drafter
):
    add(item, drafter, "In progress.", status=Status.IN_PROGRESS)
    proposal = closure_propose(
        item=item, acting_user=force_person, text="All done, say the force.", is_public=True
    )

    assert public(item)["status"] == Status.IN_PROGRESS
    assert "All done, say the force." not in public_texts(item)

    closure_decide(proposal=proposal, acting_user=drafter, approve=True, is_public=True)

    assert public(item)["status"] == Status.COMPLETE
    assert public_texts(item) == ["Closure approved."]
    settled = PublicProposal.objects.get(update=proposal.update)
    assert settled.decision == Decision.DECLINED and settled.decided_by == drafter


def test_approving_closure_can_publish_the_forces_text(item, force_person, drafter):
    proposal = closure_propose(
        item=item, acting_user=force_person, text="All done, say the force.", is_public=True
    )

    closure_decide(proposal=proposal, acting_user=drafter, approve=True, publish_proposal_text=True)

    assert public_texts(item) == ["All done, say the force."]
    assert PublicProposal.objects.get(update=proposal.update).decision == Decision.APPROVED


def test_refusing_closure_declines_the_forces_proposal(item, force_person, drafter):
    proposal = closure_propose(
        item=item, acting_user=force_person, text="All done.", is_public=True
    )

    closure_decide(proposal=proposal, acting_user=drafter, approve=False, reason="No evidence.")

    assert public(item) == {"status": "open", "status_label": "Open", "public_updates": []}
    assert PublicProposal.objects.get(update=proposal.update).decision == Decision.DECLINED


def test_the_public_site_is_told_only_when_the_public_page_changes(
    item, force_person, drafter, monkeypatch
):
    deliveries_replay()  # what the items' creation told the public site has run
    before = EventDelivery.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def told():
        return list(
            EventDelivery.objects.filter(
                event="tracker.public_progress_changed", id__gt=before
            ).values_list("arguments", flat=True)
        )

    with TestCase.captureOnCommitCallbacks(execute=True):
        update = add(item, force_person, "Done.", is_public=True)
    assert told() == []

    with TestCase.captureOnCommitCallbacks(execute=True):
        decide(update, drafter, Decision.APPROVED)
    assert told() == [
        {"policing_body_id": item.policing_body_id, "report_id": item.finding.report_id}
    ]


# --- The pages ------------------------------------------------------------------------------------


def _as(client, user):
    client.force_login(user)
    return client


def test_the_office_sees_what_waits_on_the_tracker_and_the_item(
    client, item, force_person, drafter
):
    update = add(item, force_person, "The force audited 100 incidents.", is_public=True)
    proposal = PublicProposal.objects.get(update=update)
    decide_url = reverse("tracking:proposal-decide", args=[item.pk, proposal.pk])
    _as(client, drafter)

    listing = client.get(reverse("tracking:item-list")).content.decode()
    assert "1 proposal by the force for the public page" in listing
    proposals = client.get(reverse("tracking:proposal-list")).content.decode()
    assert decide_url in proposals and "The force audited 100 incidents." in proposals
    detail = client.get(reverse("tracking:item-detail", args=[item.pk])).content.decode()
    assert "Proposed for the public page" in detail and decide_url in detail
    assert "Waiting for the office" in detail


def test_the_force_is_told_the_office_decides_and_cannot_decide(
    client, item, force_person, drafter
):
    _as(client, force_person)
    form = client.get(reverse("tracking:update-add", args=[item.pk])).content.decode()
    assert "Propose this update for the public response page" in form
    update = add(item, force_person, "Done.", is_public=True)
    proposal = PublicProposal.objects.get(update=update)

    detail = client.get(reverse("tracking:item-detail", args=[item.pk])).content.decode()
    assert "waiting for the office's approval before the public sees it" in detail
    assert client.get(reverse("tracking:proposal-list")).status_code == 403
    url = reverse("tracking:proposal-decide", args=[item.pk, proposal.pk])
    assert client.post(url, {"decision": "approved"}).status_code == 403
    assert PublicProposal.objects.get(pk=proposal.pk).is_pending


def test_the_office_edits_then_approves_through_the_page(client, item, force_person, approver):
    update = add(item, force_person, "Done by DS Smith.", is_public=True)
    proposal = PublicProposal.objects.get(update=update)
    url = reverse("tracking:proposal-decide", args=[item.pk, proposal.pk])
    _as(client, approver)

    refused = client.post(url, {"decision": "edited", "text": ""})
    assert refused.status_code == 200
    assert "Enter the office&#x27;s words to publish" in refused.content.decode()
    done = client.post(url, {"decision": "edited", "text": "Done by the force."})

    assert done.status_code == 302
    assert public_texts(item) == ["Done by the force."]
    detail = client.get(reverse("tracking:item-detail", args=[item.pk])).content.decode()
    assert "published in the office&#x27;s words, by Alex Approver" in detail


def test_the_force_is_not_offered_a_correction_of_the_offices_update(
    client, item, force_person, drafter
):
    office = add(item, drafter, "The office's summary.", is_public=True)
    own = add(item, force_person, "The force's note.")
    _as(client, force_person)

    detail = client.get(reverse("tracking:item-detail", args=[item.pk])).content.decode()
    assert f"?corrects={own.pk}" in detail
    assert f"?corrects={office.pk}" not in detail
    refused = client.post(
        reverse("tracking:update-add", args=[item.pk]),
        {
            "corrects": office.pk,
            "text": "Another story.",
            "date_day": office.date.day,
            "date_month": office.date.month,
            "date_year": office.date.year,
        },
    )
    assert refused.status_code == 200
    assert "only the force&#x27;s own updates" in refused.content.decode()
    assert not ProgressUpdate.objects.filter(corrects=office).exists()


# --- Updates recorded before the rule ------------------------------------------------------------


def test_the_migration_sends_the_forces_earlier_public_text_to_the_office(
    item, force_person, drafter
):
    """Recorded as before (no `by_force`, no proposals): the data migration marks the force's
    updates and makes each that put text on the public page, or withdrew public text, a
    proposal waiting for the office; the force's earlier status changes and the office's own
    updates are left as they were. A second run adds nothing."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    office_text = add(item, drafter, "The office's text.", is_public=True)
    status = add(item, force_person, "Started.", status=Status.IN_PROGRESS)
    text = add(item, force_person, "The force's public text.", is_public=True)
    withdrawal = add(item, force_person, "Withdrawn.", corrects=text)
    private = add(item, force_person, "A private note.")
    PublicProposal.objects.all().delete()
    PublicProposal.history.all().delete()
    # The model refuses updates (append-only); the migration's historical model does not.
    apps = (
        MigrationExecutor(connection)
        .loader.project_state([("tracking", "0004_force_public_proposals")])
        .apps
    )
    apps.get_model("tracking", "ProgressUpdate").objects.update(by_force=False)
    migration = import_module("tracking.migrations.0004_force_public_proposals")

    migration.propose_force_updates(apps, None)
    migration.propose_force_updates(apps, None)

    forced = set(ProgressUpdate.objects.filter(by_force=True).values_list("pk", flat=True))
    assert forced == {status.pk, text.pk, withdrawal.pk, private.pk}
    assert set(
        PublicProposal.objects.filter(decision=Decision.PENDING).values_list("update_id", flat=True)
    ) == {text.pk, withdrawal.pk}
    assert PublicProposal.history.count() == 2
    assert public_texts(item) == ["The office's text."]
    assert public(item)["status"] == Status.IN_PROGRESS
    assert not ProgressUpdate.objects.filter(pk=office_text.pk, by_force=True).exists()
