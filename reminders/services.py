"""Writes for the reminders: the sweep that works out what is due, and the sends.

Never miss a deadline, never send twice:

- `reminders_sweep` works out from the database what is due *now* (state-based, through the pure
  `reminders.policy`), so a missed run is caught up by the next one. It inserts reminder rows
  with ON CONFLICT DO NOTHING (COPY and INSERT ... SELECT on PostgreSQL, `bulk_create(
  ignore_conflicts=True)` elsewhere) under the unique constraint (response, rule, occurrence,
  recipient): two sweeps at once (two beats, a retry, the start-up sweep) create each row once.
  It costs the same queries whatever the number of responses, and offers rows only for the
  responses whose due reminders changed since the last sweep (`ReminderCheckpoint`).
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

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import Membership
from core import outbox
from core.history import delete_attributed, save_attributed
from core.i18n import recipient_language
from core.queue import enqueue_task
from inspections.models import Finding, ReportCorrection
from responses.corrections import correction_summary_text
from responses.models import Explanation, Response, ResponseVersion

from . import emails, policy, reasons
from .models import (
    CalendarToken,
    CorrectionNotice,
    Delivery,
    Digest,
    Reminder,
    ReminderCheckpoint,
    ReminderPreference,
    ReminderRule,
    SendStatus,
)
from .selectors import STUCK_AFTER, recipients_index

logger = logging.getLogger(__name__)

#: Errors from the mail server or the network: worth retrying (the same as every other email).
MAIL_ERRORS = outbox.MAIL_ERRORS

#: Rows per INSERT when `bulk_create` is used (digests; reminders on SQLite).
BATCH_SIZE = 2000

#: The tasks that send (reminders/tasks.py), named so this module need not import them.
SEND_REMINDER_TASK = "reminders.tasks.send_reminder"
SEND_DIGEST_TASK = "reminders.tasks.send_digest"
SEND_CORRECTION_NOTICE_TASK = "reminders.tasks.send_correction_notice"


@dataclass
class SweepResult:
    responses: int = 0
    due: int = 0
    #: Responses whose due reminders (or the people they go to) changed since the last sweep.
    changed: int = 0
    #: Rows offered to the database; those that already existed were skipped by it.
    offered: int = 0
    rearmed: int = 0
    digests: list[int] = field(default_factory=list)
    individual: list[int] = field(default_factory=list)
    #: Claimed by a worker over an hour ago and never finished (see `STUCK_AFTER`).
    stuck: int = 0


# --- the policy, from the database -------------------------------------------------------


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
    "latest_version_on",
    "latest_copy_hmicfrs_on",
    "latest_copy_home_secretary_on",
    "imported",
    "policing_body_id",
    "policing_body__force_id",
)


def latest_version_fields() -> dict:
    """Annotations with the date and s55(6) copies of the version in force
    (`ResponseVersion.objects.in_force()`: the latest published version, none while it is
    withdrawn): the copies owed are those of the version the public reads now (an amendment's
    copies are owed again; a withdrawn version's are not, and cannot be sent)."""
    in_force = ResponseVersion.objects.in_force().filter(response=OuterRef("pk"))
    return {
        "latest_version_on": Subquery(in_force.values("published_on")[:1]),
        "latest_copy_hmicfrs_on": Subquery(in_force.values("copy_hmicfrs_on")[:1]),
        "latest_copy_home_secretary_on": Subquery(in_force.values("copy_home_secretary_on")[:1]),
    }


def state_of(row) -> policy.ResponseState:
    """The policy's view of a response (a model instance or a `values()` dict of a queryset
    annotated with `latest_version_fields`). The sweep builds the same from `values_list`
    tuples, for speed."""
    if not isinstance(row, dict) and not hasattr(row, "latest_version_on"):
        annotated = Response.objects.filter(pk=row.pk).annotate(**latest_version_fields())
        row = annotated.values(*_STATE_FIELDS).get()
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
        latest_version_on=get("latest_version_on"),
        copies_recorded=bool(
            get("latest_copy_hmicfrs_on") and get("latest_copy_home_secretary_on")
        ),
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
        clause = Q(
            latest_version_on__isnull=False, latest_version_on__lte=latest, imported=False
        ) & (Q(latest_copy_hmicfrs_on__isnull=True) | Q(latest_copy_home_secretary_on__isnull=True))
        if all(r.stale_after_days is not None and not r.repeat_every for r in rules_):
            earliest = min(
                today - timedelta(days=_calendar_span(r, max(r.offsets)) + r.stale_after_days + 1)
                for r in rules_
            )
            clause &= Q(latest_version_on__gte=earliest)
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
    The same queries whatever the number of responses (plus one INSERT per 2,000 new rows).
    """
    result = SweepResult()
    with transaction.atomic():
        rule_rows = list(ReminderRule.objects.filter(is_active=True))
        rules = [r.as_policy() for r in rule_rows]
        rules_by_code = {r.code: r for r in rules}
        rule_ids = {r.code: r.pk for r in rule_rows}
        due_by_response: dict[int, list[policy.Due]] = {}
        orgs: dict[int, tuple[int, int]] = {}
        checkpoints: dict[int, str | None] = {}
        candidates = _candidates(rules, today)
        if candidates is not None:
            rows = (
                Response.objects.annotate(**latest_version_fields())
                .filter(candidates)
                .order_by("id")
                .values_list(*_STATE_FIELDS, "reminder_checkpoint__fingerprint")
            )
            State = policy.ResponseState
            for row in rows.iterator(chunk_size=5000):
                # Positional, in _STATE_FIELDS order: this loop runs for every open response.
                (pk, status, due, invited, reply_by, received, submitted, none_submitted) = row[:8]
                (published, version_on, hmicfrs, home_secretary) = row[8:12]
                (imported, body_id, force_id) = row[12:15]
                result.responses += 1
                state = State(
                    status=status,
                    due_date=due,
                    force_invited_on=invited,
                    force_reply_by=reply_by,
                    force_replied=bool(received or submitted or none_submitted),
                    published_on=published,
                    latest_version_on=version_on,
                    copies_recorded=bool(hmicfrs and home_secretary),
                    imported=imported,
                )
                dues = policy.reminders_due(rules, state, today)
                if dues:
                    due_by_response[pk] = dues
                    orgs[pk] = (body_id, force_id)
                    checkpoints[pk] = row[15]
        result.due = sum(len(d) for d in due_by_response.values())

        people = _People.load(orgs.values())
        changed: dict[int, str] = {}
        for response_id, dues in due_by_response.items():
            fingerprint = people.fingerprint(dues, orgs[response_id])
            if fingerprint != checkpoints[response_id]:
                changed[response_id] = fingerprint
        result.changed = len(changed)
        new_rows = _new_reminders(
            {pk: due_by_response[pk] for pk in changed}, orgs, people, rules_by_code, rule_ids
        )
        if new_rows:
            _assign_todays_digests(new_rows, today)
            _insert_reminders(new_rows)
            result.offered = len(new_rows)
        if changed:
            _save_checkpoints(changed)

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
        result.stuck = Reminder.objects.filter(
            status=SendStatus.SENDING, claimed_at__lt=now - STUCK_AFTER
        ).count()
        digests, individual = list(result.digests), list(result.individual)
        transaction.on_commit(lambda: enqueue_sends(digests=digests, individual=individual))
    if result.stuck:
        logger.warning(
            "%d reminders have been 'sending' for over an hour: a worker stopped after claiming "
            "them and they may or may not have gone. See the reminders page (Problems).",
            result.stuck,
        )
    logger.info(
        "Reminders sweep for %s: %d responses looked at, %d reminders due, %d responses "
        "changed, %d rows offered, %d re-armed, %d digests and %d individual emails to send",
        today,
        result.responses,
        result.due,
        result.changed,
        result.offered,
        result.rearmed,
        len(result.digests),
        len(result.individual),
    )
    return result


class _People:
    """Who can be reminded in the offices and forces of one sweep, and their choices."""

    def __init__(self, index, delivery, muted):
        self.index = index
        self.delivery: dict[int, str] = delivery
        self.muted: dict[int, set[str]] = muted
        self._org_prints: dict[tuple[int, int], str] = {}

    @classmethod
    def load(cls, orgs) -> "_People":
        """Three queries: memberships, delivery choices, switched-off rules."""
        orgs = set(orgs)
        index = recipients_index(body_ids={b for b, _ in orgs}, force_ids={f for _, f in orgs})
        user_ids = sorted(
            {u for users in index.office.values() for u in users}
            | {u for users in index.force.values() for u in users}
        )
        delivery: dict[int, str] = {}
        muted: dict[int, set[str]] = defaultdict(set)
        if user_ids:
            # All preferences: far fewer rows than people is the usual case, and no long
            # IN list (SQLite limits the parameters of a query).
            delivery = dict(ReminderPreference.objects.values_list("user_id", "delivery"))
            through = ReminderPreference.muted_rules.through
            for user_id, code in through.objects.filter(reminderrule__statutory=False).values_list(
                "reminderpreference__user_id", "reminderrule__code"
            ):
                muted[user_id].add(code)
        return cls(index, delivery, muted)

    def users(self, org: tuple[int, int], role: str) -> list[int]:
        return self.index.for_role(body_id=org[0], force_id=org[1], role=role)

    def _org_print(self, org: tuple[int, int]) -> str:
        if org not in self._org_prints:
            parts = []
            for role in Membership.Role.values:
                for user_id in self.users(org, role):
                    parts.append(
                        f"{role}:{user_id}:{','.join(sorted(self.muted.get(user_id, ())))}"
                    )
            self._org_prints[org] = "|".join(parts)
        return self._org_prints[org]

    def fingerprint(self, dues: list[policy.Due], org: tuple[int, int]) -> str:
        """Changes when a reminder falls due or when who would get it changes."""
        text = ";".join(f"{d.rule}@{d.occurrence}" for d in dues) + "#" + self._org_print(org)
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _new_reminders(due_by_response, orgs, people: _People, rules_by_code, rule_ids) -> list:
    """Rows for every person each due reminder goes to, as tuples in `_NEW_COLUMNS` order
    (without the digest, which `_assign_todays_digests` adds)."""
    role_order = {role: i for i, role in enumerate(Membership.Role.values)}
    rows = []
    for response_id, dues in due_by_response.items():
        org = orgs[response_id]
        for due in dues:
            rule = rules_by_code[due.rule]
            seen: set[int] = set()
            for role in sorted(due.roles, key=role_order.get):
                for user_id in people.users(org, role):
                    if user_id in seen:
                        continue
                    seen.add(user_id)
                    if not rule.statutory and due.rule in people.muted.get(user_id, ()):
                        continue
                    rows.append(
                        [
                            response_id,
                            rule_ids[due.rule],
                            due.occurrence,
                            due.due_on,
                            user_id,
                            role,
                            people.delivery.get(user_id, Delivery.DIGEST),
                            None,
                        ]
                    )
    # Same order in every sweep, so concurrent sweeps wait on each other instead of
    # deadlocking on the unique index.
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[4]))
    return rows


_NEW_COLUMNS = (
    "response_id",
    "rule_id",
    "occurrence",
    "due_on",
    "recipient_id",
    "role",
    "delivery",
    "digest_id",
)


def _assign_todays_digests(rows: list, today: date) -> None:
    """Put new digest reminders straight into their person's digest for today (created if
    needed), unless that digest has already gone: then they wait for tomorrow's."""
    user_ids = sorted({r[4] for r in rows if r[6] == Delivery.DIGEST})
    if not user_ids:
        return
    Digest.objects.bulk_create(
        [Digest(recipient_id=user_id, day=today) for user_id in user_ids],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    # Locked until commit, so that a worker cannot claim a digest between this sweep adding
    # reminders to it and committing (it waits, then sends them all).
    ready = dict(
        Digest.objects.select_for_update()
        .filter(day=today, status=SendStatus.READY)
        .order_by("id")
        .values_list("recipient_id", "id")
    )
    for row in rows:
        if row[6] == Delivery.DIGEST:
            row[7] = ready.get(row[4])


def _insert_reminders(rows: list) -> None:
    """Insert the rows, skipping any that exist (ON CONFLICT DO NOTHING). On PostgreSQL through
    COPY into a temporary table and one INSERT ... SELECT, which is many times faster than
    INSERT batches for a hundred thousand rows; elsewhere with `bulk_create`."""
    if connection.vendor != "postgresql":
        Reminder.objects.bulk_create(
            [Reminder(**dict(zip(_NEW_COLUMNS, row, strict=True))) for row in rows],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        return
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminders_sweep_new (response_id bigint, rule_id bigint, "
            "occurrence varchar(40), due_on date, recipient_id bigint, role varchar(20), "
            "delivery varchar(10), digest_id bigint) ON COMMIT DROP"
        )
        with cursor.copy(
            f"COPY reminders_sweep_new ({', '.join(_NEW_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        columns = ", ".join(_NEW_COLUMNS)
        cursor.execute(
            f"INSERT INTO {table} ({columns}, status, error, attempts, email, created_at) "  # noqa: S608 - names from the model, values as parameters
            f"SELECT {columns}, %s, '', 0, '', %s FROM reminders_sweep_new "
            "ORDER BY response_id, rule_id, occurrence, recipient_id "
            "ON CONFLICT (response_id, rule_id, occurrence, recipient_id) DO NOTHING",
            [SendStatus.READY, timezone.now()],  # created_at, as auto_now_add would
        )
        # Dropped now, not only at commit: a caller's outer transaction may sweep again.
        cursor.execute("DROP TABLE reminders_sweep_new")


def _save_checkpoints(changed: dict[int, str]) -> None:
    """Record each changed response's fingerprint (insert, or update the existing one)."""
    if connection.vendor != "postgresql":
        ReminderCheckpoint.objects.bulk_create(
            [
                ReminderCheckpoint(response_id=pk, fingerprint=fp)
                for pk, fp in sorted(changed.items())
            ],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["response"],
            update_fields=["fingerprint", "updated_at"],
        )
        return
    table = connection.ops.quote_name(ReminderCheckpoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminders_sweep_checkpoints (response_id bigint, "
            "fingerprint varchar(32)) ON COMMIT DROP"
        )
        with cursor.copy(
            "COPY reminders_sweep_checkpoints (response_id, fingerprint) FROM STDIN"
        ) as copy:
            for row in changed.items():
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} (response_id, fingerprint, updated_at) "  # noqa: S608 - as above
            "SELECT response_id, fingerprint, %s FROM reminders_sweep_checkpoints "
            "ORDER BY response_id ON CONFLICT (response_id) DO UPDATE "
            "SET fingerprint = EXCLUDED.fingerprint, updated_at = EXCLUDED.updated_at",
            [timezone.now()],
        )
        cursor.execute("DROP TABLE reminders_sweep_checkpoints")


def _rearm_failed(current: set[tuple[int, int, str]], today: date) -> int:
    """Give failed sends that are still current another go (the mail server may be back).

    Today's failed digests go back to READY with their items. Failed reminders from earlier
    days that are still due go back to READY and join today's digest (or their own email).
    """
    Reminder.objects.filter(
        status=SendStatus.FAILED, digest__day=today, digest__status=SendStatus.FAILED
    ).update(status=SendStatus.READY)
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
        error=gettext_noop("Not sent on its day; its reminders moved to a later one."),
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
    for digest_id in digests:
        enqueue_task(SEND_DIGEST_TASK, digest_id)
    for reminder_id in individual:
        enqueue_task(SEND_REMINDER_TASK, reminder_id)


# --- sending -------------------------------------------------------------------------------


def _claimable() -> Q:
    return Q(status__in=(SendStatus.READY, SendStatus.FAILED))


def _still_wanted(reminder: Reminder, *, today: date, roles_by_org, muted) -> str:
    """'' if the reminder should still go out today; else why not (for the record)."""
    rule = reminder.rule
    if not rule.is_active:
        return gettext_noop("The reminder was switched off in the policy.")
    due = policy.due_now(rule.as_policy(), state_of(reminder.response), today)
    if due is None or due.occurrence != reminder.occurrence:
        return gettext_noop("No longer needed: the response moved on before it was sent.")
    body = reminder.response.policing_body
    if reminder.role == Membership.Role.FORCE_CONTRIBUTOR:
        held = reminder.role in roles_by_org.get(("force", body.force_id), set())
    else:
        held = reminder.role in roles_by_org.get(("office", body.pk), set())
    if not held:
        return gettext_noop("Not sent: the person no longer has that role.")
    if not rule.statutory and rule.code in muted:
        return gettext_noop("Not sent: the person switched this reminder off.")
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


_GONE = gettext_noop("The person or the response it was for no longer exists.")


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
    reminder = _load(Reminder.objects.filter(pk=reminder_id)).first()
    if reminder is None:  # its person or response was deleted (no database foreign key)
        _finish(Reminder, [reminder_id], SendStatus.CANCELLED, error=_GONE)
        return SendStatus.CANCELLED
    roles, muted = _person(reminder.recipient)
    why_not = _still_wanted(reminder, today=today, roles_by_org=roles, muted=muted)
    if why_not:
        _finish(Reminder, [reminder.pk], SendStatus.CANCELLED, error=why_not)
        return SendStatus.CANCELLED
    address = reminder.recipient.email
    if not address:
        _finish(Reminder, [reminder.pk], SendStatus.FAILED, error=_no_address(reminder.recipient))
        return SendStatus.FAILED
    # Every word of the email in the language its person chose (core.i18n).
    with translation.override(recipient_language(reminder.recipient)):
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
    language = recipient_language(user)
    with translation.override(language):
        by_id = _items_for(keep, today=today)
        items = [by_id[r.pk] for r in keep]
        for provider in emails.digest_providers():
            items.extend(provider.items(user=user, day=digest.day))
    kept = [r.pk for r in keep]
    if not items:
        _finish(
            Digest, [digest.pk], SendStatus.CANCELLED, error=gettext_noop("Nothing left to send.")
        )
        _release_late_arrivals(digest)
        return SendStatus.CANCELLED
    if not user.email:
        error = _no_address(user)
        _finish(Reminder, kept, SendStatus.FAILED, error=error)
        _finish(Digest, [digest.pk], SendStatus.FAILED, error=error)
        return SendStatus.FAILED
    with translation.override(language):
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
    Reminder.objects.filter(status=SendStatus.READY, digest=digest).update(digest=None)


def _items_for(reminders: list[Reminder], *, today: date) -> dict[int, emails.DigestItem]:
    """Items for these reminders, with what each response still needs (two queries)."""
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


_describe = outbox.describe_mail_error


def _no_address(user) -> str:
    """Why nothing was sent to the person, in English (`reasons.NO_ADDRESS`)."""
    return reasons.NO_ADDRESS(display_name=user.display_name)


def _sent_again_note(reminder: Reminder, *, acting_user) -> str:
    """The note a reminder sent again keeps until it is sent, in English (`reasons`)."""
    name = acting_user.display_name
    if not reminder.error:
        return reasons.SENT_AGAIN(name=name)[:2000]
    return reasons.SENT_AGAIN_AFTER(name=name, error=reminder.error)[:2000]


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
            error=_sent_again_note(reminder, acting_user=acting_user),
        )
        if updated:
            pk = reminder.pk
            transaction.on_commit(lambda: enqueue_sends(digests=[], individual=[pk]))
    return bool(updated)


# --- the reminder policy (kept in the admin) --------------------------------------------------


def reminder_rule_save(*, rule: ReminderRule, acting_user, reason: str) -> ReminderRule:
    """Create or change a reminder rule; the next sweep applies it."""
    rule.full_clean()
    return save_attributed(rule, acting_user=acting_user, reason=reason)


def reminder_rule_delete(*, rule: ReminderRule, acting_user, reason: str) -> None:
    """Remove a rule nothing was sent for. Statutory rules are the law and stay; the database
    protects a rule with reminders."""
    if rule.statutory:
        raise ValueError("A statutory reminder rule cannot be removed.")
    delete_attributed(rule, acting_user=acting_user, reason=reason)


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


# --- notices of corrections to a report's shared facts -------------------------------------

#: The hourly catch-up creates and sends the notices of corrections made this recently.
CORRECTION_CATCH_UP = timedelta(days=7)


def correction_notices_create(*, correction_id: int) -> list[int]:
    """A `CorrectionNotice` for every person in every office with a response to the corrected
    report (any office role), except the person who made the correction. Idempotent (the
    unique constraint); returns the ids of the notices still to send."""
    correction = ReportCorrection.objects.filter(
        pk=correction_id, status=ReportCorrection.Status.APPLIED
    ).first()
    if correction is None:
        return []
    responses = dict(
        Response.objects.filter(report_id=correction.report_id).values_list(
            "policing_body_id", "id"
        )
    )
    people = (
        Membership.objects.filter(
            role__in=Membership.OFFICE_ROLES,
            is_active=True,
            user__is_active=True,
            policing_body_id__in=list(responses),
        )
        .exclude(user_id=correction.decided_by_id)
        .values_list("policing_body_id", "user_id")
    )
    rows = {(responses[body_id], user_id) for body_id, user_id in people}
    CorrectionNotice.objects.bulk_create(
        [
            CorrectionNotice(correction=correction, response_id=response_id, recipient_id=user_id)
            for response_id, user_id in sorted(rows)
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    return list(
        CorrectionNotice.objects.filter(correction=correction)
        .filter(_claimable())
        .values_list("id", flat=True)
    )


def notify_after_correction(*, correction_id: int) -> int:
    """The "report.corrected" subscriber (config/events.py): create the correction's notices
    and queue their sends. Returns how many are to send."""
    ids = correction_notices_create(correction_id=correction_id)
    enqueue_correction_notices(ids)
    return len(ids)


def correction_notices_catch_up(*, now: datetime) -> list[int]:
    """The notices of recent corrections still to send (creating any the hook did not)."""
    recent = ReportCorrection.objects.filter(
        status=ReportCorrection.Status.APPLIED, decided_at__gte=now - CORRECTION_CATCH_UP
    ).values_list("pk", flat=True)
    ids = []
    for correction_id in recent:
        ids += correction_notices_create(correction_id=correction_id)
    return ids


def enqueue_correction_notices(notice_ids) -> None:
    """One task per notice; enqueuing twice is harmless (the send claims its row)."""
    for notice_id in notice_ids:
        enqueue_task(SEND_CORRECTION_NOTICE_TASK, notice_id)


def correction_notice_send(*, notice_id: int, now=None) -> str:
    """Send one correction notice. Returns its new status, or '' when another worker had
    already claimed it (or it was sent). Re-raises mail errors after recording them."""
    now = now or timezone.now()
    claimed = CorrectionNotice.objects.filter(_claimable(), pk=notice_id).update(
        status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return ""
    notice = CorrectionNotice.objects.select_related(
        "recipient",
        "correction__decided_by",
        "correction__report",
        "response__policing_body",
        "response__report",
    ).get(pk=notice_id)
    user = notice.recipient
    if (
        not user.is_active
        or not user.memberships.filter(
            policing_body_id=notice.response.policing_body_id,
            role__in=Membership.OFFICE_ROLES,
            is_active=True,
        ).exists()
    ):
        _finish(
            CorrectionNotice,
            [notice.pk],
            SendStatus.CANCELLED,
            error=gettext_noop("Not sent: the person no longer works in the office."),
        )
        return SendStatus.CANCELLED
    if not user.email:
        _finish(CorrectionNotice, [notice.pk], SendStatus.FAILED, error=_no_address(user))
        return SendStatus.FAILED
    with translation.override(recipient_language(user)):
        subject, text, html = emails.render_correction_email(
            recipient=user,
            notice=notice,
            summary=correction_summary_text(notice.correction),
            day=timezone.localdate(now),
        )
    try:
        _send(to=user.email, subject=subject, text=text, html=html)
    except MAIL_ERRORS as error:
        _finish(CorrectionNotice, [notice.pk], SendStatus.FAILED, error=_describe(error))
        raise
    _finish(CorrectionNotice, [notice.pk], SendStatus.SENT, sent_at=now, email=user.email)
    return SendStatus.SENT
