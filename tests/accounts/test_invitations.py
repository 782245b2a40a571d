"""Invitations: an office admin invites office staff and contributors for the office's force by
email; the single-use link expires, can be withdrawn or sent again, and is accepted by signing in
or by choosing a password."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import invitation_emails
from accounts import tasks as accounts_tasks
from accounts.invitation_emails import invitation_email_send, invitation_emails_sweep
from accounts.invitations import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from accounts.models import Invitation, InvitationEmail, Membership
from tests.reminders.mail import delivered

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

Role = Membership.Role
NEW_PASSWORD = "a long and unusual passphrase 5531"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run what a change enqueued, as a real commit and a Celery worker would."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    yield run
    app.conf.task_always_eager = eager


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/invitation/(\S+)/", message.body).group(0)


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def invite(send, office_admin, norfolk, *, role=Role.OPCC_DRAFTER, email="new@example.org"):
    invitation = send(
        lambda: invitation_create(
            body=norfolk, email=email, full_name="Nia New", role=role, acting_user=office_admin
        )
    )
    return invitation, token_of(link_in(mail.outbox[-1]))


def test_the_invitation_is_one_recorded_email_with_a_link(send, office_admin, norfolk):
    invitation, token = invite(send, office_admin, norfolk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    row = InvitationEmail.objects.get(invitation=invitation)
    assert row.status == InvitationEmail.Status.SENT
    assert token not in invitation.token_hash and token not in row.nonce, "no token at rest"
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    # A second run of the task (a retry) sends nothing more.
    assert invitation_email_send(email_id=row.pk) == InvitationEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_new_person_accepts_by_choosing_a_password(send, office_admin, norfolk):
    _, token = invite(send, office_admin, norfolk)
    client = Client()
    url = reverse("accounts:invitation-accept", args=[token])
    assert client.get(url).status_code == 200
    result = client.post(
        url,
        {"full_name": "Nia New", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert result.status_code == 302
    membership = Membership.objects.get(user__email="new@example.org")
    assert (membership.role, membership.policing_body) == (Role.OPCC_DRAFTER, norfolk)
    assert membership.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("responses:dashboard")).status_code == 200, "signed in"
    assert "Accepted the invitation" in membership.history.first().history_change_reason


def test_a_weak_password_is_refused_by_the_validators(send, office_admin, norfolk):
    _, token = invite(send, office_admin, norfolk)
    url = reverse("accounts:invitation-accept", args=[token])
    result = Client().post(
        url, {"full_name": "Nia New", "new_password1": "password", "new_password2": "password"}
    )
    assert result.status_code == 400
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_a_signed_in_person_in_another_office_accepts_and_gains_a_second_office(
    send, office_admin, norfolk, suffolk_drafter, suffolk
):
    _, token = invite(send, office_admin, norfolk, email=suffolk_drafter.email)
    client = Client()
    client.force_login(suffolk_drafter)
    result = client.post(reverse("accounts:invitation-accept", args=[token]))
    assert result.status_code == 302
    offices = set(
        suffolk_drafter.memberships.filter(is_active=True).values_list("policing_body", flat=True)
    )
    assert offices == {norfolk.pk, suffolk.pk}
    # The person now acts for the office they joined, and can switch back.
    assert client.get(reverse("accounts:account")).wsgi_request.office == norfolk


def test_a_link_works_once(send, office_admin, norfolk):
    _, token = invite(send, office_admin, norfolk)
    invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(InvitationError, match="already been used"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    assert Client().get(reverse("accounts:invitation-accept", args=[token])).status_code == 410


def test_an_expired_invitation_cannot_be_accepted_until_sent_again(send, office_admin, norfolk):
    invitation, token = invite(send, office_admin, norfolk)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    page = Client().get(reverse("accounts:invitation-accept", args=[token]))
    assert page.status_code == 410 and b"expired" in page.content
    send(lambda: invitation_resend(invitation=invitation, acting_user=office_admin))
    new_token = token_of(link_in(mail.outbox[-1]))
    assert new_token != token
    with pytest.raises(InvitationError, match="not valid"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    assert invitation_accept(token=new_token, password=NEW_PASSWORD).is_active


def test_a_withdrawn_invitation_cannot_be_accepted(send, office_admin, norfolk):
    invitation, token = invite(send, office_admin, norfolk)
    invitation_revoke(invitation=invitation, acting_user=office_admin)
    with pytest.raises(InvitationError, match="withdrawn"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    reasons = [h.history_change_reason for h in invitation.history.all()]
    assert "Withdrawn" in reasons and "Invited" in reasons


def test_an_email_made_before_the_link_was_replaced_is_not_sent(office_admin, norfolk):
    invitation = invitation_create(
        body=norfolk,
        email="x@example.org",
        full_name="X",
        role=Role.OPCC_DRAFTER,
        acting_user=office_admin,
    )
    first = invitation.emails.get()
    invitation_resend(invitation=invitation, acting_user=office_admin)
    assert invitation_email_send(email_id=first.pk) == InvitationEmail.Status.CANCELLED
    assert not mail.outbox


def test_an_invitation_for_another_offices_force_is_refused(office_admin, norfolk, suffolk):
    with pytest.raises(InvitationError, match="its own force"):
        invitation_create(
            body=norfolk,
            email="c@example.org",
            full_name="C",
            role=Role.FORCE_CONTRIBUTOR,
            acting_user=office_admin,
            force=suffolk.force,
        )
    assert not Invitation.objects.exists()


def test_only_an_admin_of_the_office_may_invite(drafter, norfolk, suffolk_drafter, suffolk):
    for who, body in ((drafter, norfolk), (suffolk_drafter, norfolk)):
        with pytest.raises(InvitationError, match="Only an admin"):
            invitation_create(
                body=body,
                email="c@example.org",
                full_name="C",
                role=Role.OPCC_DRAFTER,
                acting_user=who,
            )


def test_a_force_contributor_is_invited_for_the_offices_force(send, office_admin, norfolk):
    _, token = invite(send, office_admin, norfolk, role=Role.FORCE_CONTRIBUTOR)
    membership = invitation_accept(token=token, password=NEW_PASSWORD)
    assert (membership.role, membership.force, membership.policing_body) == (
        Role.FORCE_CONTRIBUTOR,
        norfolk.force,
        None,
    )


def test_a_signed_in_person_with_another_address_cannot_accept(
    send, office_admin, norfolk, suffolk_drafter
):
    _, token = invite(send, office_admin, norfolk)
    client = Client()
    client.force_login(suffolk_drafter)
    assert client.post(reverse("accounts:invitation-accept", args=[token])).status_code == 400
    assert not suffolk_drafter.memberships.filter(policing_body=norfolk).exists()


def test_an_existing_account_must_sign_in_rather_than_choose_a_password(
    send, office_admin, norfolk, suffolk_drafter
):
    suffolk_drafter.set_password(PASSWORD)
    suffolk_drafter.save()
    _, token = invite(send, office_admin, norfolk, email=suffolk_drafter.email)
    with pytest.raises(InvitationError, match="sign in first"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    suffolk_drafter.refresh_from_db()
    assert suffolk_drafter.check_password(PASSWORD), "the password was not taken over"


def test_the_admin_sees_pending_accepted_and_expired_and_can_resend_and_withdraw(
    client, send, office_admin, norfolk
):
    pending, _ = invite(send, office_admin, norfolk, email="p@example.org")
    expired, _ = invite(send, office_admin, norfolk, email="e@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    _, token = invite(send, office_admin, norfolk, email="a@example.org")
    invitation_accept(token=token, password=NEW_PASSWORD)
    client.force_login(office_admin)
    page = client.get(reverse("accounts:office-invitations")).content.decode()
    for text in (
        "p@example.org",
        "e@example.org",
        "a@example.org",
        "Pending",
        "Expired",
        "Accepted",
    ):
        assert text in page
    sent = len(mail.outbox)
    send(lambda: client.post(reverse("accounts:office-invitation-resend", args=[expired.pk])))
    assert len(mail.outbox) == sent + 1
    client.post(reverse("accounts:office-invitation-revoke", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.revoked_at is not None


def test_the_invite_page_sends_the_invitation(client, send, office_admin, norfolk):
    client.force_login(office_admin)
    result = send(
        lambda: client.post(
            reverse("accounts:office-invitation-create"),
            {"full_name": "Fay Force", "email": "fay@example.org", "role": Role.FORCE_CONTRIBUTOR},
        )
    )
    assert result.status_code == 302
    assert Invitation.objects.get().force == norfolk.force
    assert mail.outbox[-1].to == ["fay@example.org"]


def test_another_offices_admin_cannot_touch_norfolks_invitation(
    client, send, office_admin, norfolk, suffolk
):
    from tests.factories import office_user

    invitation, _ = invite(send, office_admin, norfolk)
    client.force_login(office_user(suffolk, Role.OPCC_ADMIN))
    assert (
        client.post(reverse("accounts:office-invitation-revoke", args=[invitation.pk])).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_people_page_shows_the_forces_contributors_and_every_change_of_role(
    client, send, office_admin, norfolk, contributor
):
    _, token = invite(send, office_admin, norfolk, role=Role.FORCE_CONTRIBUTOR)
    joined = invitation_accept(token=token, password=NEW_PASSWORD)
    client.force_login(office_admin)
    page = client.get(reverse("accounts:office-users")).content.decode()
    assert contributor.display_name in page and "Nia New" in page
    assert "Changes of role" in page and "Accepted the invitation" in page
    # The office admin decides who in the force answers: they can remove a contributor.
    client.post(reverse("accounts:office-user-deactivate", args=[joined.pk]))
    joined.refresh_from_db()
    assert not joined.is_active
    page = client.get(reverse("accounts:office-users")).content.decode()
    assert "Deactivated by the office admin" in page


def test_signing_in_with_the_provider_comes_back_to_the_invitation_and_accepts_it(
    client, send, office_admin, norfolk, oidc_provider
):
    """A first sign-in with the organisation's provider has no role yet; with an invitation's
    link as where to go next, it goes back there (not to "no access"), and accepting gives the
    role to the account the provider signed in."""
    from .oidc_provider import wire_provider
    from .test_single_sign_on import ALICE, come_back

    provider = wire_provider(norfolk, issuer=oidc_provider.issuer, acting_user=office_admin)
    _, token = invite(send, office_admin, norfolk, email=ALICE["email"])
    link = reverse("accounts:invitation-accept", args=[token])
    oidc_provider.login_as(**ALICE)
    start = client.post(
        f"{reverse('accounts:sso-start')}?next={link}", {"sso-provider": provider.pk}
    )
    assert start.status_code == 302
    response, _ = come_back(client, start["Location"])
    assert response.status_code == 302 and response["Location"] == link
    assert client.post(link).status_code == 302
    membership = Membership.objects.get(user__email=ALICE["email"])
    assert (membership.role, membership.policing_body, membership.is_active) == (
        Role.OPCC_DRAFTER,
        norfolk,
        True,
    )


# --- Retries: an invitation email is sent once, however often the mail server refuses it -----


def _invitation_row(office_admin, norfolk) -> InvitationEmail:
    """An invitation made in a transaction whose commit hooks do not run: its email is recorded
    and waits, as it would for a worker that has not yet run (or was killed)."""
    invitation = invitation_create(
        body=norfolk,
        email="new@example.org",
        full_name="Nia New",
        role=Role.OPCC_DRAFTER,
        acting_user=office_admin,
    )
    return InvitationEmail.objects.get(invitation=invitation)


def test_a_refused_invitation_email_is_recorded_raised_for_a_retry_and_then_sent_once(
    settings, tmp_path, office_admin, norfolk
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.reminders.mail.FlakyFileBackend",
            "OPTIONS": {"directory": str(tmp_path), "fail_first": 2},
        }
    }
    row = _invitation_row(office_admin, norfolk)
    for attempt in (1, 2):
        # The task retries on what the send raises (accounts.tasks, autoretry_for).
        with pytest.raises(smtplib.SMTPServerDisconnected):
            invitation_email_send(email_id=row.pk)
        row.refresh_from_db()
        assert row.status == InvitationEmail.Status.FAILED
        assert row.attempts == attempt and row.attempted_at is not None
        assert "did not accept" in row.error
    assert invitation_email_send(email_id=row.pk) == InvitationEmail.Status.SENT
    assert invitation_email_send(email_id=row.pk) == InvitationEmail.Status.SENT
    sent = delivered(tmp_path)
    assert [m["To"] for m in sent] == ["new@example.org"]
    row.refresh_from_db()
    assert row.attempts == 3 and row.error == "" and row.sent_at is not None


def test_the_sweep_queues_again_each_email_not_sent_and_not_tried_lately(
    monkeypatch, office_admin, norfolk
):
    queued = []
    monkeypatch.setattr(
        invitation_emails, "enqueue_task", lambda name, *args: queued.append((name, args))
    )
    row = _invitation_row(office_admin, norfolk)
    now = timezone.now()
    # Just made: its own task may yet run.
    assert invitation_emails_sweep(now=now) == []
    later = now + invitation_emails.LOST_AFTER + timedelta(seconds=1)
    assert invitation_emails_sweep(now=later) == [row.pk]
    assert queued == [(invitation_emails.SEND_TASK, (row.pk,))]
    # Failed and tried a moment ago: the task's own retries come first; later the sweep does.
    InvitationEmail.objects.filter(pk=row.pk).update(
        status=InvitationEmail.Status.FAILED, attempted_at=later
    )
    assert invitation_emails_sweep(now=later) == []
    assert invitation_emails_sweep(now=later + timedelta(minutes=6)) == [row.pk]
    # Sent or cancelled: never again.
    for status in (InvitationEmail.Status.SENT, InvitationEmail.Status.CANCELLED):
        InvitationEmail.objects.filter(pk=row.pk).update(status=status)
        assert invitation_emails_sweep(now=later + timedelta(hours=1)) == []


def test_the_send_task_acknowledges_late_and_retries_mail_errors_with_backoff():
    task = accounts_tasks.send_invitation_email
    assert task.acks_late and task.retry_backoff and task.max_retries == 8
    assert OSError in task.autoretry_for and smtplib.SMTPException in task.autoretry_for
    assert task.name == invitation_emails.SEND_TASK
    assert accounts_tasks.sweep_invitation_emails.acks_late
