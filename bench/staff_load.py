"""Benchmark: the staff pages at national scale, on PostgreSQL, through gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/section55 \\
        .venv/bin/python -m bench.staff_load [--scale 1.0] [--generate] [--duration 20] \\
        [--pages tracker CSV] [--runs 5] [--no-load]

1. `--generate` (re)creates the database `<name>_staff_bench` next to the one in DATABASE_URL
   (never the development database), migrates it and fills it, with COPY, with ten years of
   data for every office: at `--scale 1` 20,000 reports (one force each), 200,000
   recommendations, 20,000 responses (most published, the last months' in every other state)
   with five history rows each, 200,000 tracker items with their history and 1,000,000
   progress updates. Four staff per office and a contributor per force.
2. Query count and CPU milliseconds of each page in the web process (Django's test client,
   median of runs): the office dashboard (/responses/, the office's task list), the force's task
   list (/responses/ as a force contributor, and a later page of it), the report list, a
   response's history tab, the tracker list unfiltered, with filters and for one report, and
   the tracker exports (CSV, Excel) with filters, and a CSV export of no rows (the cost of
   such a request before its rows).
   Run at two scales: the query counts must not grow with the data. `--pages` measures only
   the pages whose names contain one of the words given; `--no-load` stops after this step
   (on a busy machine the load run says nothing, and these figures still compare).
3. Starts gunicorn (`--workers`) and `--concurrency` threads, each signed in as a different
   office's drafter (a real session cookie) on a keep-alive connection, requesting each page
   for `--duration` seconds; prints p50, p95 and p99 and the load average. Target: p95 under
   150 ms. Results are recorded in docs/benchmarks.md.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

import dj_database_url

from bench.public_load import load, paragraph, recreate_database, vacuum, wait_for

SUFFIX = "_staff_bench"
TEN_YEARS_FROM = date(2016, 12, 1)
FULL = {"reports": 20_000, "per_report": 10, "updates_per_item": 5, "history_per_response": 5}


def bench_database_url(base_url: str) -> str:
    config = dj_database_url.parse(base_url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench.staff_load needs PostgreSQL: set DATABASE_URL=postgres://...")
    return base_url.rsplit("/", 1)[0] + "/" + config["NAME"] + SUFFIX


# --- The data: COPY with ids chosen here ------------------------------------------------------


def copy_rows(model, rows) -> int:
    """COPY dicts of field attnames into the model's table; a field not given takes its
    default ('' for text, now for timestamps, NULL where allowed). Returns the row count."""
    from django.db import connection, models
    from django.utils import timezone

    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField) and f.attname != "id")
    ]
    fallback = {}
    for f in fields:
        if f.has_default():
            fallback[f.attname] = f.get_default()
        elif f.null:
            fallback[f.attname] = None
        elif isinstance(f, models.DateTimeField):
            fallback[f.attname] = now
        elif isinstance(f, models.CharField | models.TextField):
            fallback[f.attname] = ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    count = 0
    sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [
                    f.get_db_prep_save(row.get(f.attname, fallback.get(f.attname)), connection)
                    for f in fields
                ]
            )
            count += 1
    return count


def reset_sequences(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'
            )


def generate(*, scale: float, seed: int = 55) -> None:
    """Fill the (migrated) bench database. Runs inside Django (DATABASE_URL is the bench DB)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, PolicingBody
    from inspections.models import Finding, Report, ReportType
    from responses import deadlines
    from responses.models import Response, Status
    from tracking.models import ProgressUpdate, TrackerItem

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    bodies = list(PolicingBody.objects.filter(force__isnull=False).select_related("force"))
    User = get_user_model()
    users, memberships = [], []
    for body in bodies:
        for role in ("opcc_drafter", "opcc_approver", "opcc_admin"):
            users.append(User(username=f"{body.slug}-{role}", email=f"{role}@{body.slug}.test"))
            memberships.append((len(users) - 1, role, body.pk, None))
        users.append(User(username=f"{body.slug}-force", email=f"force@{body.slug}.test"))
        memberships.append((len(users) - 1, "force_contributor", None, body.force_id))
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=users[i], role=role, policing_body_id=b, force_id=f)
        for i, role, b, f in memberships
    )
    # Four people per office (drafter first): the drafter writes the updates.
    drafter_of = {body.pk: users[4 * n].pk for n, body in enumerate(bodies)}

    n_reports = round(FULL["reports"] * scale)
    types = [ReportType.PEEL, ReportType.CRIME_DATA_INTEGRITY, ReportType.CUSTODY]
    item_statuses = ["open", "in_progress", "pending_sign_off", "complete", "not_accepted"]
    texts = [paragraph(rng, 2) for _ in range(200)]
    short = [paragraph(rng, 1) for _ in range(200)]
    reports, findings, responses, history, items, updates, item_history = ([] for _ in range(7))
    finding_id = item_id = 0
    for report_id in range(1, n_reports + 1):
        body = bodies[report_id % len(bodies)]
        published_on = TEN_YEARS_FROM + timedelta(
            days=rng.randint(0, (today - TEN_YEARS_FROM).days)
        )
        reports.append(
            {
                "id": report_id,
                "title": f"{body.force.name}: an inspection {report_id}",
                "published_on": published_on,
                "report_type": rng.choice(types),
                "hmicfrs_url": "https://hmicfrs.justiceinspectorates.gov.uk/",
            }
        )
        due = deadlines.statutory_due_date(published_on)
        age = (today - published_on).days
        status = (
            Status.PUBLISHED
            if age > 90
            else rng.choice(
                [
                    Status.NOT_STARTED,
                    Status.AWAITING_FORCE,
                    Status.DRAFTING,
                    Status.AWAITING_APPROVAL,
                ]
            )
        )
        published = status == Status.PUBLISHED
        response = {
            "id": report_id,
            "report_id": report_id,
            "policing_body_id": body.pk,
            "status": status,
            "due_date": due,
            "publish_by": deadlines.publish_by_date(due) if due else None,
            "force_invited_on": published_on,
            "published_on": (
                published_on + timedelta(days=rng.randint(40, 55)) if published else None
            ),
            "office_comments": rng.choice(texts),
            "force_comments": rng.choice(texts),
            "created_at": now,
            "updated_at": now,
        }
        responses.append(response)
        for n in range(FULL["history_per_response"]):
            history.append(
                {
                    **response,
                    "history_date": now - timedelta(days=FULL["history_per_response"] - n),
                    "history_type": "+" if n == 0 else "~",
                    "history_change_reason": "Benchmark data",
                    "history_user_id": drafter_of[body.pk],
                }
            )
        for position in range(1, FULL["per_report"] + 1):
            finding_id += 1
            findings.append(
                {
                    "id": finding_id,
                    "report_id": report_id,
                    "kind": Finding.Kind.RECOMMENDATION,
                    "position": position,
                    "reference": f"R{position}",
                    "text": rng.choice(texts),
                    "timescale_text": "within six months",
                }
            )
            if not published:
                continue
            item_id += 1
            item_status = rng.choice(item_statuses)
            dates = sorted(
                published_on + timedelta(days=rng.randint(60, 60 + age))
                for _ in range(FULL["updates_per_item"])
            )
            item = {
                "id": item_id,
                "finding_id": finding_id,
                "report_id": report_id,
                "policing_body_id": body.pk,
                "status": item_status,
                "target_date": published_on + timedelta(days=rng.choice([180, 365, 540])),
                "tracked_on": response["published_on"],
                "last_update_on": min(dates[-1], today),
                "created_by_id": drafter_of[body.pk],
                "created_at": now,
                "updated_at": now,
            }
            items.append(item)
            item_history.append(
                {
                    **item,
                    "history_date": now,
                    "history_type": "+",
                    "history_user_id": item["created_by_id"],
                }
            )
            for day in dates:
                updates.append(
                    {
                        "item_id": item_id,
                        "date": min(day, today),
                        "author_id": drafter_of[body.pk],
                        "text": rng.choice(short),
                        "created_at": now,
                    }
                )
    print(
        f"  built {len(reports)} reports, {len(findings)} recommendations, {len(responses)} "
        f"responses, {len(history)} history rows, {len(items)} items, {len(updates)} updates "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    HistoricalResponse = Response.history.model
    HistoricalItem = TrackerItem.history.model
    with transaction.atomic():
        copy_rows(Report, reports)
        Report.forces.through.objects.bulk_create(
            Report.forces.through(
                report_id=r["id"], force_id=bodies[r["id"] % len(bodies)].force_id
            )
            for r in reports
        )
        copy_rows(Finding, findings)
        copy_rows(Response, responses)
        copy_rows(HistoricalResponse, history)
        copy_rows(TrackerItem, items)
        copy_rows(HistoricalItem, item_history)
        copy_rows(ProgressUpdate, ({"id": n, **row} for n, row in enumerate(updates, 1)))
        reset_sequences(Report, Finding, Response, TrackerItem, ProgressUpdate)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


# --- What is measured ------------------------------------------------------------------------


def pages(nth: int = 0) -> dict[str, tuple[str, str]]:
    """{page: (username, path)}, for the `nth` office (0: the first) and its force, inside
    Django."""
    from accounts.models import PolicingBody
    from responses.models import Response, Status

    body = PolicingBody.objects.filter(force__isnull=False).order_by("pk")[nth]
    response = Response.objects.filter(policing_body=body).order_by("-pk").first()
    tracked = (
        Response.objects.filter(policing_body=body, status=Status.PUBLISHED).order_by("-pk").first()
    )
    drafter, force = f"{body.slug}-opcc_drafter", f"{body.slug}-force"
    filters = "status=open&status=in_progress&overdue=on&rag=red&sort=target"
    return {
        "office dashboard (task list)": (drafter, "/responses/"),
        "force task list": (force, "/responses/"),
        "force task list, page 5": (force, "/responses/?page=5"),
        "report list": (drafter, "/reports/"),
        "report list, page 10": (drafter, "/reports/?page=10"),
        "history tab": (drafter, f"/responses/{response.pk}/history/"),
        "tracker list": (drafter, "/tracker/"),
        "tracker list, filtered": (drafter, f"/tracker/?{filters}"),
        # One report's items: the link on a response's "Track recommendations" page.
        "tracker list, one report": (drafter, f"/tracker/?report={tracked.report_id}"),
        "tracker export CSV, filtered": (drafter, f"/tracker/export.csv?{filters}"),
        "tracker export Excel, filtered": (drafter, f"/tracker/export.xlsx?{filters}"),
        # What any request of this kind costs before its rows: the same view, middleware,
        # session and filters, and a query that finds nothing (a completed item is never red).
        "tracker export CSV, no rows": (drafter, "/tracker/export.csv?status=complete&rag=red"),
    }


def chosen(names: list[str] | None = None, nth: int = 0) -> dict[str, tuple[str, str]]:
    """`pages(nth)`, or only those whose names contain one of `names` (`--pages`)."""
    every = pages(nth)
    if not names:
        return every
    picked = {k: v for k, v in every.items() if any(n.lower() in k.lower() for n in names)}
    if not picked:
        sys.exit(f"No page matches {names}: choose from {list(every)}")
    return picked


def queries_and_cpu(runs: int = 5, names: list[str] | None = None) -> None:
    """Query count, CPU ms in this process and elapsed ms (CPU plus waiting for the database)
    per page, through Django's test client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    print("| page | status | queries | CPU ms (median) | elapsed ms (median) | bytes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (username, path) in chosen(names).items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path)
            body = b"".join(page.streaming_content) if page.streaming else page.content
        queries = len(captured)  # now: each request starts by emptying the query log
        times, elapsed = [], []
        for _ in range(runs):
            started, clock = time.process_time(), time.perf_counter()
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append(1000 * (time.process_time() - started))
            elapsed.append(1000 * (time.perf_counter() - clock))
        print(
            f"| {name} | {page.status_code} | {queries} | {statistics.median(times):.0f} | "
            f"{statistics.median(elapsed):.0f} | {len(body)} |",
            flush=True,
        )


def signed_in(names: list[str] | None = None, people: int = 8) -> dict[str, list]:
    """{page: [("sessionid=...", path), ...]}: for the load run, `people` different people, each
    the same role in a different office (the first `people` offices), signed in with a session
    of their own and requesting that page of their own office."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    clients: dict[str, list] = {}
    for nth in range(people):
        for name, (username, path) in chosen(names, nth).items():
            client = Client()
            client.force_login(users.get(username=username))
            clients.setdefault(name, []).append(
                (f"sessionid={client.cookies['sessionid'].value}", path)
            )
    return clients


def _django(code: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            f"django.setup(); {code}",
        ],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true", help="(re)create the bench database")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ten years, 43 offices")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="WORD",
        help='only the pages whose names contain one of these words (e.g. "tracker" "CSV")',
    )
    parser.add_argument("--runs", type=int, default=5, help="step 2: requests a page (median)")
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="stop after step 2 (query counts and CPU): no gunicorn, no load run",
    )
    args = parser.parse_args()

    url = bench_database_url(os.environ.get("DATABASE_URL", ""))
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "WARNING"}
    if args.generate:
        print(f"Creating {dj_database_url.parse(url)['NAME']} at scale {args.scale}", flush=True)
        recreate_database(url)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
        print(_django(f"from bench.staff_load import generate; generate(scale={args.scale})", env))
        vacuum(url)

    print(f"\nQueries and CPU per page in the web process (load average {os.getloadavg()[0]:.2f}):")
    names = args.pages
    print(
        _django(
            "from bench.staff_load import queries_and_cpu; "
            f"queries_and_cpu(runs={args.runs}, names={names!r})",
            env,
        )
    )
    if args.no_load:
        return

    people = eval(  # noqa: S307 - our own repr of a dict of lists of str pairs
        _django(
            "from bench.staff_load import signed_in; "
            f"print(signed_in({names!r}, people={args.concurrency}))",
            env,
        )
    )
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
    )
    try:
        wait_for(args.port)
        print(
            f"\nLoad: {args.concurrency} concurrent staff users (each in a different office, "
            f"with a session of their own), {args.duration:.0f} s a page, "
            f"gunicorn {args.workers} workers"
        )
        print("| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms | load average |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, clients in people.items():
            common = {
                "port": args.port,
                "paths": None,
                "concurrency": args.concurrency,
                "clients": [({"Cookie": cookie}, path) for cookie, path in clients],
            }
            load(**common, duration=2)  # warm-up
            result = load(**common, duration=args.duration)
            print(
                f"| {name} | {result['requests']} | {result['errors']} | {result['rps']:.1f} | "
                f"{result['p50']:.0f} | {result['p95']:.0f} | {result['p99']:.0f} | "
                f"{os.getloadavg()[0]:.1f} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
