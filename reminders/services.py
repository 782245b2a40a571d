"""Writes for the reminders: the sweep that works out what is due, and the sends.

Never miss a deadline, never send twice:

- `reminders_sweep` works out from the database what is due *now* (state-based, through the pure
  `reminders.policy`), so a missed run is caught up by the next one. It creates reminder rows
  with `bulk_create(ignore_conflicts=True)` under the unique constraint (response, rule,
  occurrence, recipient): two sweeps at once (two beats, a retry, the start-up sweep) create each
  row once. It costs the same queries whatever the number of responses.
- After the sweep commits, one task per individual reminder and one per digest is enqueued.
  Each send first *claims* its row with one conditional UPDATE (READY or FAILED -> SENDING);
  only the worker whose UPDATE changed the row sends, so two workers never both send it.
- Before sending, each reminder is checked again against the policy for today: if the response
  moved on (published, the force replied, the next occurrence is due), it is CANCELLED, so
  nothing stale goes out after an outage.
- A mail error marks the row FAILED with the error and re-raises, so the task retries with
  backoff; the hourly sweep also re-arms failed reminders that are still current. A worker that
  dies after claiming leaves the row SENDING: it may have sent, so it is never sent again
  automatically, and the reminders page shows it as a problem.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Membership
from responses.models import Response

from . import emails, policy
from .models import (
    CalendarToken,
    Delivery,
    Digest,
    Reminder,
    ReminderPreference,
    ReminderRule,
    SendStatus,
)
from .selectors import STUCK_AFTER, recipients_index

logger = logging.getLogger(__name__)

#: Errors from the mail server or the network: worth retrying.
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)

#: Rows per INSERT when creating reminders.
BATCH_SIZE = 2000


@dataclass
class SweepResult:
    responses: int = 0
    due: int = 0
    #: Rows offered to the database; those that already existed were skipped by it.
    offered: int = 0
    rearmed: int = 0
    digests: list[int] = field(default_factory=list)
    individual: list[int] = field(default_factory=list)


# --- the policy, from the database -------------------------------------------------------


def active_rules() -> list[policy.Rule]:
    return [r.as_policy() for r in ReminderRule.objects.filter(is_active=True)]


_STATE_FIELDS = (
    "id",
    "status",
    "due_date",
    "force_invited_on",
    "force_reply_by",
    "force_comments_received_on",
    "force_comments_submitted_at",
    "force_comments_none_submitted",
    "published_on",
    "copy_hmicfrs_on",
    "copy_home_secretary_on",
    "imported",
    "policing_body_id",
    "policing_body__force_id",
)


def state_of(row) -> policy.ResponseState:
    """The policy's view of a response (a model instance or a `values()` dict)."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    return policy.ResponseState(
        status=get("status"),
        due_date=get("due_date"),
        force_invited_on=get("force_invited_on"),
        force_reply_by=get("force_reply_by"),
        force_replied=bool(
            get("force_comments_received_on")
            or get("force_comments_submitted_at")
            or get("force_comments_none_submitted")
        ),
        published_on=get("published_on"),
        copies_recorded=bool(get("copy_hmicfrs_on") and get("copy_home_secretary_on")),
        imported=bool(get("imported")),
    )


def _calendar_span(rule: policy.Rule, offset: int) -> int:
    """At least as many calendar days as `offset` units of the rule (working days: weekends
    and bank holidays make a working day up to about two calendar days)."""
    return abs(offset) * 2 + 10 if rule.working_days else abs(offset)


def _candidates(rules: list[policy.Rule], today: date) -> Q | None:
    """A SQL filter for the responses that might have a reminder due today: each subject's
    condition, and its date near enough. A superset: the policy decides exactly."""
    by_subject: dict[str, list[policy.Rule]] = defaultdict(list)
    for rule in rules:
        by_subject[rule.subject].append(rule)
    clauses = []
    if rules_ := by_subject.get(policy.SUBJECT_DEADLINE):
        latest = max(today + timedelta(days=_calendar_span(r, min(r.offsets))) for r in rules_)
        clauses.append(
            Q(
                published_on__isnull=True,
                status__in=policy.OPEN_STATUSES,
                due_date__isnull=False,
                due_date__lte=latest,
            )
        )
    if rules_ := by_subject.get(policy.SUBJECT_FORCE_REPLY):
        latest = max(today + timedelta(days=_calendar_span(r, min(r.offsets))) for r in rules_)
        clauses.append(
            Q(
                published_on__isnull=True,
                status__in=policy.FORCE_REPLY_STATUSES,
                force_invited_on__isnull=False,
                force_reply_by__isnull=False,
                force_reply_by__lte=latest,
                force_comments_received_on__isnull=True,
                force_comments_submitted_at__isnull=True,
                force_comments_none_submitted=False,
            )
        )
    if rules_ := by_subject.get(policy.SUBJECT_COPIES):
        latest = max(today - timedelta(days=min(r.offsets)) for r in rules_)
        clause = Q(published_on__isnull=False, published_on__lte=latest, imported=False) & (
            Q(copy_hmicfrs_on__isnull=True) | Q(copy_home_secretary_on__isnull=True)
        )
        if all(r.stale_after_days is not None and not r.repeat_every for r in rules_):
            earliest = min(
                today - timedelta(days=_calendar_span(r, max(r.offsets)) + r.stale_after_days + 1)
                for r in rules_
            )
            clause &= Q(published_on__gte=earliest)
        clauses.append(clause)
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


# --- the sweep -----------------------------------------------------------------------------


def reminders_sweep(*, today: date, now: datetime) -> SweepResult:
    """Create the reminders due on `today` and enqueue their sends after commit.

    Safe to run at any time and any number of times, also concurrently: what is due comes
    from the state of the responses, each row is created once, and each send claims its row.
    """
    result = SweepResult()
    with transaction.atomic():
        rule_rows = list(ReminderRule.objects.filter(is_active=True))
        rules = [r.as_policy() for r in rule_rows]
        rules_by_code = {r.code: r for r in rules}
        rule_ids = {r.code: r.pk for r in rule_rows}
        due_by_response: dict[int, list[policy.Due]] = {}
        orgs: dict[int, tuple[int, int]] = {}
        candidates = _candidates(rules, today)
        if candidates is not None:
            rows = Response.objects.filter(candidates).order_by("id").values(*_STATE_FIELDS)
            for row in rows.iterator(chunk_size=5000):
                result.responses += 1
                dues = policy.reminders_due(rules, state_of(row), today)
                if dues:
                    due_by_response[row["id"]] = dues
                    orgs[row["id"]] = (row["policing_body_id"], row["policing_body__force_id"])
        result.due = sum(len(d) for d in due_by_response.values())

        new_rows = _new_reminders(due_by_response, orgs, rules_by_code, rule_ids, today)
        if new_rows:
            # Same order in every sweep, so concurrent sweeps wait on each other instead of
            # deadlocking on the unique index.
            new_rows.sort(key=lambda r: (r.response_id, r.rule_id, r.occurrence, r.recipient_id))
            Reminder.objects.bulk_create(new_rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
            result.offered = len(new_rows)

        current = {
            (response_id, rule_ids[d.rule], d.occurrence)
            for response_id, dues in due_by_response.items()
            for d in dues
        }
        result.rearmed = _rearm_failed(current, today)
        _retire_old_digests(today)
        _attach_to_todays_digests(today)
        _digests_for_providers(today)

        result.digests = list(
            Digest.objects.filter(day=today, status=SendStatus.READY).values_list("id", flat=True)
        )
        result.individual = list(
            Reminder.objects.filter(
                status=SendStatus.READY, delivery=Delivery.INDIVIDUAL
            ).values_list("id", flat=True)
        )
        digests, individual = list(result.digests), list(result.individual)
        transaction.on_commit(lambda: enqueue_sends(digests=digests, individual=individual))
    logger.info(
        "Reminders sweep for %s: %d responses looked at, %d reminders due, %d rows offered, "
        "%d re-armed, %d digests and %d individual emails to send",
        today,
        result.responses,
        result.due,
        result.offered,
        result.rearmed,
        len(result.digests),
        len(result.individual),
    )
    return result


def _preferences(user_ids) -> tuple[dict[int, str], dict[int, set[str]]]:
    """(delivery by user, muted rule codes by user) for these users: two queries."""
    delivery = dict(
        ReminderPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "delivery")
    )
    muted: dict[int, set[str]] = defaultdict(set)
    through = ReminderPreference.muted_rules.through
    for user_id, code in through.objects.filter(
        reminderpreference__user_id__in=user_ids, reminderrule__statutory=False
    ).values_list("reminderpreference__user_id", "reminderrule__code"):
        muted[user_id].add(code)
    return delivery, muted


def _new_reminders(due_by_response, orgs, rules_by_code, rule_ids, today) -> list[Reminder]:
    """Reminder rows (unsaved) for every person each due reminder goes to."""
    if not due_by_response:
        return []
    index = recipients_index(
        body_ids={b for b, _ in orgs.values()}, force_ids={f for _, f in orgs.values()}
    )
    user_ids = {
        user_id
        for response_id, dues in due_by_response.items()
        for due in dues
        for role in due.roles
        for user_id in index.for_role(
            body_id=orgs[response_id][0], force_id=orgs[response_id][1], role=role
        )
    }
    # Chunked: SQLite allows a limited number of parameters per query.
    delivery: dict[int, str] = {}
    muted: dict[int, set[str]] = {}
    ordered = sorted(user_ids)
    for start in range(0, len(ordered), 500):
        d, m = _preferences(ordered[start : start + 500])
        delivery.update(d)
        muted.update(m)
    role_order = {role: i for i, role in enumerate(Membership.Role.values)}
    rows = []
    for response_id, dues in due_by_response.items():
        body_id, force_id = orgs[response_id]
        for due in dues:
            rule = rules_by_code[due.rule]
            seen: set[int] = set()
            for role in sorted(due.roles, key=role_order.get):
                for user_id in index.for_role(body_id=body_id, force_id=force_id, role=role):
                    if user_id in seen:
                        continue
                    seen.add(user_id)
                    if not rule.statutory and due.rule in muted.get(user_id, ()):
                        continue
                    rows.append(
                        Reminder(
                            response_id=response_id,
                            rule_id=rule_ids[due.rule],
                            occurrence=due.occurrence,
                            due_on=due.due_on,
                            recipient_id=user_id,
                            role=role,
                            delivery=delivery.get(user_id, Delivery.DIGEST),
                        )
                    )
    return rows


def _rearm_failed(current: set[tuple[int, int, str]], today: date) -> int:
    """Give failed sends that are still current another go (the mail server may be back).

    Today's failed digests go back to READY with their items. Failed reminders from earlier
    days that are still due go back to READY and join today's digest (or their own email).
    """
    Reminder.objects.filter(digest__day=today, digest__status=SendStatus.FAILED).update(
        status=SendStatus.READY
    )
    rearmed = Digest.objects.filter(day=today, status=SendStatus.FAILED).update(
        status=SendStatus.READY
    )
    failed = Reminder.objects.filter(status=SendStatus.FAILED).values_list(
        "id", "response_id", "rule_id", "occurrence"
    )
    again = [pk for pk, *key in failed if tuple(key) in current]
    for start in range(0, len(again), 500):
        rearmed += Reminder.objects.filter(
            pk__in=again[start : start + 500], status=SendStatus.FAILED
        ).update(status=SendStatus.READY, digest=None)
    return rearmed


def _retire_old_digests(today: date) -> None:
    """A digest from an earlier day that never went (the worker was down) is not sent late:
    its reminders join today's digest, where they are checked again."""
    Reminder.objects.filter(
        digest__day__lt=today, digest__status=SendStatus.READY, status=SendStatus.READY
    ).update(digest=None)
    Digest.objects.filter(day__lt=today, status=SendStatus.READY).update(
        status=SendStatus.CANCELLED,
        error="Not sent on its day; its reminders moved to a later one.",
    )


def _attach_to_todays_digests(today: date) -> None:
    """Put every waiting digest reminder into its person's digest for today, unless that
    digest has already gone (then it waits for tomorrow's: one digest a day)."""
    waiting = Reminder.objects.filter(
        status=SendStatus.READY, delivery=Delivery.DIGEST, digest__isnull=True
    )
    user_ids = sorted(set(waiting.values_list("recipient_id", flat=True)))
    if not user_ids:
        return
    Digest.objects.bulk_create(
        [Digest(recipient_id=user_id, day=today) for user_id in user_ids],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    # Lock today's unsent digests so that a worker cannot claim one between this sweep adding
    # reminders to it and committing (it waits, then sends them all).
    list(
        Digest.objects.select_for_update()
        .filter(day=today, status=SendStatus.READY)
        .order_by("id")
        .values_list("id", flat=True)
    )
    waiting.update(
        digest=Subquery(
            Digest.objects.filter(
                recipient_id=OuterRef("recipient_id"), day=today, status=SendStatus.READY
            ).values("id")[:1]
        )
    )


def _digests_for_providers(today: date) -> None:
    """Today's digest for people who only have items from other sources (see emails.py)."""
    user_ids: set[int] = set()
    for provider in emails.digest_providers():
        user_ids |= set(provider.recipient_ids(day=today))
    if user_ids:
        Digest.objects.bulk_create(
            [Digest(recipient_id=user_id, day=today) for user_id in sorted(user_ids)],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )


def enqueue_sends(*, digests, individual) -> None:
    """One task per digest and per individual reminder. Enqueuing twice is harmless: the
    first task to claim the row sends it, the other finds it claimed and does nothing."""
    from . import tasks

    for digest_id in digests:
        tasks.send_digest.delay(digest_id)
    for reminder_id in individual:
        tasks.send_reminder.delay(reminder_id)


# --- sending -------------------------------------------------------------------------------


def _claimable() -> Q:
    return Q(status__in=(SendStatus.READY, SendStatus.FAILED))


def _still_wanted(reminder: Reminder, *, today: date, roles_by_org, muted) -> str:
    """'' if the reminder should still go out today; else why not (for the record)."""
    rule = reminder.rule
    if not rule.is_active:
        return "The reminder was switched off in the policy."
    due = policy.due_now(rule.as_policy(), state_of(reminder.response), today)
    if due is None or due.occurrence != reminder.occurrence:
        return "No longer needed: the response moved on before it was sent."
    body = reminder.response.policing_body
    if reminder.role == Membership.Role.FORCE_CONTRIBUTOR:
        held = reminder.role in roles_by_org.get(("force", body.force_id), set())
    else:
        held = reminder.role in roles_by_org.get(("office", body.pk), set())
    if not held:
        return "Not sent: the person no longer has that role."
    if not rule.statutory and rule.code in muted:
        return "Not sent: the person switched this reminder off."
    return ""


def _person(user) -> tuple[dict, set[str]]:
    """The person's current roles by organisation and the rules they switched off."""
    roles: dict[tuple[str, int], set[str]] = defaultdict(set)
    if user.is_active:
        for role, body_id, force_id in Membership.objects.filter(
            user=user, is_active=True
        ).values_list("role", "policing_body_id", "force_id"):
            key = ("force", force_id) if force_id else ("office", body_id)
            roles[key].add(role)
    muted = set(
        ReminderPreference.muted_rules.through.objects.filter(
            reminderpreference__user=user
        ).values_list("reminderrule__code", flat=True)
    )
    return roles, muted


def _load(qs):
    return qs.select_related(
        "rule", "recipient", "response__report", "response__policing_body__force"
    )


def _send(*, to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def reminder_send(*, reminder_id: int, today: date | None = None, now=None) -> str:
    """Send one reminder by its own email (for people who chose individual emails).

    Returns the row's new status, or '' when another worker had already claimed it (or it was
    sent or cancelled). Re-raises mail errors after recording them, so the task retries.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    claimed = Reminder.objects.filter(
        _claimable(), pk=reminder_id, delivery=Delivery.INDIVIDUAL
    ).update(status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return ""
    reminder = _load(Reminder.objects.filter(pk=reminder_id)).get()
    roles, muted = _person(reminder.recipient)
    why_not = _still_wanted(reminder, today=today, roles_by_org=roles, muted=muted)
    if why_not:
        _finish(Reminder, [reminder.pk], SendStatus.CANCELLED, error=why_not)
        return SendStatus.CANCELLED
    address = reminder.recipient.email
    if not address:
        _finish(Reminder, [reminder.pk], SendStatus.FAILED, error=_no_address(reminder.recipient))
        return SendStatus.FAILED
    item = _items_for([reminder], today=today)[reminder.pk]
    subject, text, html = emails.render_reminder_email(
        recipient=reminder.recipient,
        item=item,
        subject=emails.reminder_subject(reminder, today=today),
        day=today,
    )
    try:
        _send(to=address, subject=subject, text=text, html=html)
    except MAIL_ERRORS as error:
        _finish(Reminder, [reminder.pk], SendStatus.FAILED, error=_describe(error))
        raise
    _finish(Reminder, [reminder.pk], SendStatus.SENT, sent_at=now, email=address)
    return SendStatus.SENT


def digest_send(*, digest_id: int, today: date | None = None, now=None) -> str:
    """Send a person's digest: one email with every reminder (and provider item) of theirs.

    Returns the digest's new status, or '' when another worker had already claimed it.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    claimed = Digest.objects.filter(_claimable(), pk=digest_id).update(
        status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return ""
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    user = digest.recipient
    reminders = list(_load(Reminder.objects.filter(_claimable(), digest=digest)).order_by("id"))
    Reminder.objects.filter(pk__in=[r.pk for r in reminders], digest=digest).filter(
        _claimable()
    ).update(status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    claimed_ids = set(
        Reminder.objects.filter(
            digest=digest, status=SendStatus.SENDING, claimed_at=now
        ).values_list("id", flat=True)
    )
    reminders = [r for r in reminders if r.pk in claimed_ids]
    roles, muted = _person(user)
    keep, cancelled = [], defaultdict(list)
    for reminder in reminders:
        why_not = _still_wanted(reminder, today=today, roles_by_org=roles, muted=muted)
        if why_not:
            cancelled[why_not].append(reminder.pk)
        else:
            keep.append(reminder)
    for why_not, pks in cancelled.items():
        _finish(Reminder, pks, SendStatus.CANCELLED, error=why_not)
    by_id = _items_for(keep, today=today)
    items = [by_id[r.pk] for r in keep]
    for provider in emails.digest_providers():
        items.extend(provider.items(user=user, day=digest.day))
    kept = [r.pk for r in keep]
    if not items:
        _finish(Digest, [digest.pk], SendStatus.CANCELLED, error="Nothing left to send.")
        _release_late_arrivals(digest)
        return SendStatus.CANCELLED
    if not user.email:
        error = _no_address(user)
        _finish(Reminder, kept, SendStatus.FAILED, error=error)
        _finish(Digest, [digest.pk], SendStatus.FAILED, error=error)
        return SendStatus.FAILED
    subject, text, html = emails.render_digest_email(recipient=user, items=items, day=today)
    try:
        _send(to=user.email, subject=subject, text=text, html=html)
    except MAIL_ERRORS as error:
        message = _describe(error)
        _finish(Reminder, kept, SendStatus.FAILED, error=message)
        _finish(Digest, [digest.pk], SendStatus.FAILED, error=message)
        raise
    _finish(Reminder, kept, SendStatus.SENT, sent_at=now, email=user.email)
    _finish(Digest, [digest.pk], SendStatus.SENT, sent_at=now, email=user.email)
    _release_late_arrivals(digest)
    return SendStatus.SENT


def _release_late_arrivals(digest: Digest) -> None:
    """Reminders added to the digest after this send claimed it go to a later one."""
    Reminder.objects.filter(digest=digest, status=SendStatus.READY).update(digest=None)


def _items_for(reminders: list[Reminder], *, today: date) -> dict[int, emails.DigestItem]:
    """Items for these reminders, with what each response still needs (two queries)."""
    from inspections.models import Finding
    from responses.models import Explanation

    report_ids = {r.response.report_id for r in reminders}
    response_ids = {r.response_id for r in reminders}
    recommendations: dict[int, list] = defaultdict(list)
    explanations: dict[int, list] = defaultdict(list)
    if reminders:
        for finding in Finding.objects.filter(report_id__in=report_ids).recommendations():
            recommendations[finding.report_id].append(finding)
        for explanation in Explanation.objects.filter(response_id__in=response_ids):
            explanations[explanation.response_id].append(explanation)
    return {
        r.pk: emails.reminder_item(
            r,
            today=today,
            recommendations=recommendations[r.response.report_id],
            explanations=explanations[r.response_id],
        )
        for r in reminders
    }


def _finish(model, pks, status: str, *, error: str = "", sent_at=None, email: str = "") -> None:
    """Record how a claimed send ended (only rows still SENDING: a finished row is final)."""
    if not pks:
        return
    fields = {"status": status, "error": error}
    if sent_at is not None:
        fields["sent_at"] = sent_at
    if email:
        fields["email"] = email
    model.objects.filter(pk__in=pks, status=SendStatus.SENDING).update(**fields)


def _describe(error: BaseException) -> str:
    return f"The mail server did not accept the email: {error.__class__.__name__}: {error}"[:2000]


def _no_address(user) -> str:
    return f"{user.display_name} has no email address: add one in the admin."


def reminder_retry(*, reminder: Reminder, acting_user) -> bool:
    """Send a failed (or stuck) reminder again, now, by its own email: a person on the reminders
    page asked for it. A stuck SENDING row may already have gone; the page says so first.

    Returns False when the reminder was not failed or stuck (nothing to do).
    """
    with transaction.atomic():
        stuck_since = timezone.now() - STUCK_AFTER
        updated = Reminder.objects.filter(
            Q(status=SendStatus.FAILED) | Q(status=SendStatus.SENDING, claimed_at__lt=stuck_since),
            pk=reminder.pk,
        ).update(
            status=SendStatus.READY,
            delivery=Delivery.INDIVIDUAL,
            digest=None,
            error=f"Sent again by {acting_user.display_name}; was: {reminder.error}"[:2000],
        )
        if updated:
            pk = reminder.pk
            transaction.on_commit(lambda: enqueue_sends(digests=[], individual=[pk]))
    return bool(updated)


# --- people's choices and calendar feeds ---------------------------------------------------


def preference_update(*, user, delivery: str, muted_rules) -> ReminderPreference:
    """Save how the person wants reminders. Statutory rules are never muted, whatever is asked."""
    if delivery not in Delivery.values:
        raise ValueError(f"Unknown delivery: {delivery}")
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        preference.delivery = delivery
        preference.save(update_fields=["delivery", "updated_at"])
        preference.muted_rules.set([r for r in muted_rules if not r.statutory])
    return preference


def calendar_token_create(*, user) -> str:
    """A new secret calendar feed address for the person; any earlier one stops working.

    Returns the secret (only its hash is stored, so it can be shown once).
    """
    with transaction.atomic():
        CalendarToken.objects.select_for_update().filter(user=user).active().update(
            revoked_at=timezone.now()
        )
        token, token_hash = CalendarToken.new_secret()
        CalendarToken.objects.create(user=user, token_hash=token_hash)
    return token


def calendar_token_revoke(*, user) -> int:
    """Stop the person's calendar feed address working (it then gives 404)."""
    return CalendarToken.objects.filter(user=user).active().update(revoked_at=timezone.now())
