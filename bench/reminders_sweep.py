"""Benchmark: the reminders sweep over 100,000 open responses on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/section55 \\
        .venv/bin/python -m bench.reminders_sweep [--responses 100000] [--runs 3] [--days 60]

Generates, with `bulk_create` (not the services: this measures the sweep, not data entry):
reports published over the last `--days` days, one open response per report and policing body
(43 bodies) until there are `--responses` of them; about a third invited with a reply-by date;
four office staff per body and two contributors per force. With the default 60 days the due
dates run from 4 days overdue to 55 days ahead (most offices publish on time); `--days 100`
is a stress case where 45% of the responses are overdue, so each gets a new reminder every day.
Then it times `reminders.services.reminders_sweep`:

- **first**: the first sweep, which creates every reminder that is due (the worst case: a new
  installation, or the morning after the policy changed);
- **again**: the same day again (the hourly catch-up: nothing new);
- **next day**: the following day (the daily case: new occurrences for some responses).

For each it reports wall-clock seconds, the number of SQL queries and the rows created. The
sends are not enqueued (they are separate tasks, one per email). Results are recorded in
docs/benchmarks.md. Target: under 10 s per sweep, and a query count that does not grow with the
number of responses (only the INSERT batches grow, one per 2,000 new rows).

It runs against a throwaway test database (`test_<name>` on PostgreSQL), never the real one.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _generate(total: int, today, rng: random.Random, days: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.models import Membership, PolicingBody
    from inspections.models import Report, ReportType, Scope
    from responses import deadlines
    from responses.models import Response, Status

    User = get_user_model()
    bodies = list(PolicingBody.objects.select_related("force").order_by("id"))
    password = make_password(None)
    users, memberships = [], []
    for body in bodies:
        for role in ("opcc_drafter", "opcc_drafter", "opcc_approver", "opcc_admin"):
            user = User(
                username=f"{body.slug}-{role}-{len(users)}",
                email=f"{len(users)}@example.org",
                password=password,
            )
            users.append(user)
            memberships.append((user, role, body, None))
        for _ in range(2):
            user = User(
                username=f"{body.force.slug}-force-{len(users)}",
                email=f"{len(users)}@example.org",
                password=password,
            )
            users.append(user)
            memberships.append((user, "force_contributor", None, body.force))
    User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(
        [
            Membership(user=u, role=role, policing_body=body, force=force)
            for u, role, body, force in memberships
        ],
        batch_size=1000,
    )

    report_count = -(-total // len(bodies))
    reports = Report.objects.bulk_create(
        [
            Report(
                title=f"Generated national inspection {n}",
                published_on=today - timedelta(days=rng.randint(0, days)),
                report_type=ReportType.NATIONAL_THEMATIC,
                scope=Scope.NATIONAL,
            )
            for n in range(report_count)
        ],
        batch_size=2000,
    )
    statuses = [
        Status.NOT_STARTED,
        Status.AWAITING_FORCE,
        Status.DRAFTING,
        Status.AWAITING_APPROVAL,
    ]
    responses = []
    for report in reports:
        due = deadlines.statutory_due_date(report.published_on)
        for body in bodies:
            if len(responses) == total:
                break
            status = rng.choice(statuses)
            invited = status == Status.AWAITING_FORCE or (
                status == Status.DRAFTING and rng.random() < 0.3
            )
            responses.append(
                Response(
                    report=report,
                    policing_body=body,
                    status=status,
                    due_date=due,
                    publish_by=deadlines.publish_by_date(due),
                    force_invited_on=report.published_on + timedelta(days=1) if invited else None,
                    force_reply_by=due - timedelta(days=28) if invited else None,
                )
            )
    Response.objects.bulk_create(responses, batch_size=2000)


def _pretend_sent():
    """What the workers would do after a sweep: every digest and reminder sent."""
    from reminders.models import Digest, Reminder, SendStatus

    Reminder.objects.filter(status=SendStatus.READY).update(status=SendStatus.SENT)
    Digest.objects.filter(status=SendStatus.READY).update(status=SendStatus.SENT)


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process (when the
    server runs on this machine), so the database's share of a sweep can be told apart from
    waiting for a CPU on a busy machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sweep(day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders import services
    from reminders.models import Reminder

    before = Reminder.objects.count()
    db_cpu = _backend_cpu()
    with CaptureQueriesContext(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        result = services.reminders_sweep(today=day, now=services.timezone.now())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db_after = _backend_cpu()
    db_cpu = db_after - db_cpu if db_cpu is not None and db_after is not None else float("nan")
    created = Reminder.objects.count() - before
    inserts = sum(1 for q in captured.captured_queries if q["sql"].startswith("INSERT"))
    if os.environ.get("BENCH_SLOWEST"):
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        for q in slowest[: int(os.environ["BENCH_SLOWEST"])]:
            print(f"    {float(q['time']):7.3f} s  {q['sql'][:160]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "db_cpu": db_cpu,
        "queries": len(captured.captured_queries),
        "insert_batches": inserts,
        "responses": result.responses,
        "due": result.due,
        "changed": result.changed,
        "created": created,
        "to_send": len(result.digests) + len(result.individual),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="repeat the whole measurement")
    parser.add_argument("--days", type=int, default=60, help="publication dates spread over")
    args = parser.parse_args(argv)

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from reminders import services

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("This benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    services.enqueue_sends = lambda **kwargs: None  # measure the sweep, not the broker
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        today = timezone.localdate()
        rows = []
        for run in range(args.runs):
            from reminders.models import Digest, Reminder, ReminderCheckpoint
            from responses.models import Response

            # Every run starts from empty tables, as a new installation does (deleting the rows
            # instead would leave the next run a table and indexes full of dead rows).
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table)
                for model in (Reminder, Digest, ReminderCheckpoint)
            )
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables}")
            if run == 0:
                started = time.perf_counter()
                _generate(args.responses, today, random.Random(55), args.days)  # noqa: S311
                print(
                    f"generated {Response.objects.count()} responses in "
                    f"{time.perf_counter() - started:.1f} s"
                )
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            for label, day in (  # the sends are simulated between sweeps (not timed)
                ("first", today),
                ("again", today),
                ("next day", today + timedelta(days=1)),
            ):
                row = _sweep(day)
                rows.append((run, label, row))
                _pretend_sent()
                print(
                    f"run {run + 1} {label:>8}: {row['seconds']:6.2f} s (CPU: {row['cpu']:.2f} s here, "
                    f"{row['db_cpu']:.2f} s PostgreSQL), "
                    f"{row['queries']:3d} queries "
                    f"({row['insert_batches']} INSERT batches), {row['responses']} responses looked "
                    f"at, {row['due']} reminders due, {row['changed']} responses changed, "
                    f"{row['created']} rows created, "
                    f"{row['to_send']} emails to send"
                )
        for label in ("first", "again", "next day"):
            times = sorted(r["seconds"] for _, lab, r in rows if lab == label)
            cpus = sorted(r["cpu"] + r["db_cpu"] for _, lab, r in rows if lab == label)
            print(
                f"{label:>8}: wall best {times[0]:.2f} s, median {times[len(times) // 2]:.2f} s; "
                f"CPU (here + PostgreSQL) best {cpus[0]:.2f} s, median {cpus[len(cpus) // 2]:.2f} s"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
