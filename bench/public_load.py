"""Benchmark: the public site under concurrent load, on PostgreSQL, against gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/section55 \\
        .venv/bin/python -m bench.public_load [--generate] [--duration 20] [--concurrency 8]

1. `--generate` (re)creates the database `<name>_public_bench` next to the one in DATABASE_URL
   (never the development database), migrates it and fills it with 10,000 reports with 100,000
   recommendations and 8,000 published responses (their public copies, search text and stored
   search vectors), with bulk inserts: the generator is not what is measured.
2. Single-query timings of the full-text search (EXPLAIN ANALYZE): with the stored vector and its
   GIN index, with the stored vector and no index, and computing the vector on the fly. These
   decide whether the stored search document and its index are needed.
3. Starts gunicorn (config.wsgi, `--workers`, Redis as the cache when REDIS_URL is set, which is
   the production shape: one cache shared by the workers) and a load generator (threads, one
   keep-alive HTTP connection each) that requests, for `--duration` seconds each:
   the home page; a search with a different query on every request (so never cached); a
   response page with a cold cache (a different response each time); and a cached response
   page (a set of responses requested once beforehand). Prints requests per second and p50,
   p95 and p99 latency. Targets: p95 under 50 ms for a cached response page, under 200 ms for
   a search. Results are recorded in docs/benchmarks.md.
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from urllib.parse import quote_plus

import dj_database_url

#: Words every response uses (like real prose: these match almost every document).
_COMMON = (
    "the force should make sure that officers and staff improve their approach to the plan "
    "commissioner will seek assurance through the accountability forum and monitor progress "
    "against each recommendation with the chief constable including training audit and review"
)
COMMON = _COMMON.split()

#: What a report is about: each generated report and its response take two or three of these,
#: so a topic search matches a realistic fraction of the 8,000 responses (about 6%).
TOPICS = [
    "violent crime", "domestic abuse", "stalking and harassment", "custody detention",
    "fraud investigation", "cyber crime", "vetting standards", "misconduct allegations",
    "missing children", "child exploitation", "mental health demand", "call handling",
    "emergency response times", "neighbourhood policing", "crime data integrity",
    "rape investigation", "serious organised crime", "county lines", "knife crime",
    "hate crime", "road safety", "stop and search", "use of force", "workforce wellbeing",
    "leadership culture", "recruitment retention", "digital forensics", "victim care",
    "case file quality", "disclosure of evidence", "out of court disposals", "youth diversion",
    "public order", "firearms licensing", "counter terrorism", "modern slavery",
    "anti-social behaviour", "burglary outcomes", "vehicle crime", "rural crime",
]  # fmt: skip
WORDS = COMMON + [word for topic in TOPICS for word in topic.split()]


def sentence(rng: random.Random, low: int, high: int, topics=()) -> str:
    words = [rng.choice(COMMON) for _ in range(rng.randint(low, high))]
    if topics and rng.random() < 0.6:
        words.insert(rng.randrange(len(words)), rng.choice(topics))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int, topics=()) -> str:
    return " ".join(sentence(rng, 10, 22, topics) for _ in range(sentences))


# --- Generation ---------------------------------------------------------------------------------


def bench_database_url(base_url: str) -> str:
    config = dj_database_url.parse(base_url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench.public_load needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = config["NAME"] + "_public_bench"
    return base_url.rsplit("/", 1)[0] + "/" + name


def recreate_database(url: str) -> None:
    import psycopg

    config = dj_database_url.parse(url)
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def generate(*, reports: int, per_report: int, published: int, seed: int = 55) -> None:
    """Bulk-fill the (migrated) bench database. Runs inside Django (DATABASE_URL is the bench DB)."""
    from django.db import transaction

    from accounts.models import PolicingBody
    from inspections.models import Finding, Report, ReportType
    from public.models import PublishedItem, PublishedResponse
    from public.services import search_vector_expression
    from responses import deadlines
    from responses.models import Response, ResponseVersion, Status

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    bodies = list(PolicingBody.objects.select_related("force"))
    types = [
        ReportType.PEEL,
        ReportType.CRIME_DATA_INTEGRITY,
        ReportType.NATIONAL_THEMATIC,
        ReportType.CUSTODY,
    ]
    started = time.perf_counter()
    with transaction.atomic():
        report_rows, topics_of = [], {}
        for n in range(reports):
            published_on = date(2017, 6, 1) + timedelta(days=rng.randint(0, 8 * 365))
            topics = rng.sample(TOPICS, rng.randint(2, 3))
            topics_of[n] = topics
            report_rows.append(
                Report(
                    title=f"{rng.choice(bodies).force.name}: an inspection of {topics[0]} {n}",
                    published_on=published_on,
                    report_type=rng.choice(types),
                    hmicfrs_url="https://hmicfrs.justiceinspectorates.gov.uk/",
                )
            )
        Report.objects.bulk_create(report_rows, batch_size=2000)
        finding_rows = [
            Finding(
                report=report,
                kind=Finding.Kind.RECOMMENDATION,
                position=i,
                reference=f"R{i}",
                text=paragraph(rng, 2, topics_of[n]),
                addressees=["force"],
                timescale_text="within six months",
            )
            for n, report in enumerate(report_rows)
            for i in range(1, per_report + 1)
        ]
        Finding.objects.bulk_create(finding_rows, batch_size=5000)
        print(f"  {len(report_rows)} reports, {len(finding_rows)} recommendations", flush=True)

        report_topics = {report.pk: topics_of[n] for n, report in enumerate(report_rows)}
        chosen = rng.sample(report_rows, published)
        findings_by_report: dict[int, list] = {}
        for finding in finding_rows:
            findings_by_report.setdefault(finding.report_id, []).append(finding)
        response_rows, version_rows = [], []
        for report in chosen:
            body = rng.choice(bodies)
            due = deadlines.statutory_due_date(report.published_on)
            late = rng.random() < 0.15
            published_on = (
                due + timedelta(days=rng.randint(1, 40))
                if late
                else due - timedelta(days=rng.randint(0, 20))
            )
            response_rows.append(
                Response(
                    report=report,
                    policing_body=body,
                    status=Status.PUBLISHED,
                    due_date=due,
                    publish_by=deadlines.publish_by_date(due),
                    force_invited_on=report.published_on,
                    published_on=published_on,
                    office_comments=paragraph(rng, 8, report_topics[report.pk]),
                    force_comments=paragraph(rng, 5, report_topics[report.pk]),
                )
            )
        Response.objects.bulk_create(response_rows, batch_size=2000)
        for response in response_rows:
            snapshot = (
                '<article class="app-response-document"><h1 class="govuk-heading-l">Response</h1>'
                + "".join(
                    f'<h2 class="govuk-heading-m">Recommendation {i}</h2><p class="govuk-body">{paragraph(rng, 3)}</p>'
                    for i in range(1, per_report + 1)
                )
                + "</article>"
            )
            version_rows.append(
                ResponseVersion(
                    response=response,
                    number=1,
                    published_on=response.published_on,
                    html_snapshot=snapshot,
                    html_sha256="0" * 64,
                    pdf_sha256="",
                )
            )
        ResponseVersion.objects.bulk_create(version_rows, batch_size=1000)
        now = time.time()
        from django.utils import timezone

        record_rows, item_rows = [], []
        for response, version in zip(response_rows, version_rows, strict=True):
            report = response.report
            items = findings_by_report[report.pk]
            explanations = [paragraph(rng, 2, report_topics[report.pk]) for _ in items]
            days_late = deadlines.days_late(
                due=response.due_date, published_on=response.published_on
            )
            record_rows.append(
                PublishedResponse(
                    response=response,
                    version=version,
                    policing_body=response.policing_body,
                    report=report,
                    version_number=1,
                    report_title=report.title,
                    report_published_on=report.published_on,
                    report_type=report.report_type,
                    report_url=report.hmicfrs_url,
                    due_date=response.due_date,
                    first_published_on=response.published_on,
                    latest_published_on=response.published_on,
                    days_late=days_late,
                    office_comments=response.office_comments,
                    force_comments=response.force_comments,
                    summary=response.office_comments[:300],
                    recommendations_text="\n\n".join(f.text for f in items),
                    response_text="\n\n".join(
                        [response.office_comments, response.force_comments, *explanations]
                    ),
                    refreshed_at=timezone.now(),
                )
            )
        PublishedResponse.objects.bulk_create(record_rows, batch_size=1000)
        for record in record_rows:
            for position, finding in enumerate(findings_by_report[record.report_id], 1):
                item_rows.append(
                    PublishedItem(
                        record=record,
                        finding=finding,
                        response_id=record.response_id,
                        policing_body_id=record.policing_body_id,
                        report_id=record.report_id,
                        report_title=record.report_title,
                        report_url=record.report_url,
                        report_published_on=record.report_published_on,
                        report_type=record.report_type,
                        kind="recommendation",
                        position=position,
                        number=position,
                        reference=finding.reference,
                        text=finding.text,
                        explanation_kind=rng.choice(
                            ["action_taken", "action_proposed", "no_action"]
                        ),
                        explanation=paragraph(rng, 1),
                    )
                )
        PublishedItem.objects.bulk_create(item_rows, batch_size=5000)
        print(
            f"  {len(record_rows)} published responses, {len(item_rows)} published items ({time.time() - now:.0f} s)",
            flush=True,
        )
        PublishedResponse.objects.update(search_vector=search_vector_expression())
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- Single-query timings ------------------------------------------------------------------------


def explain_search(url: str, query: str) -> dict[str, float]:
    """Execution time (ms) of the search's row query, three ways, and of counting its matches."""
    import psycopg

    stored = (
        "SELECT id, ts_rank(search_vector, q) AS rank FROM public_publishedresponse, "
        "websearch_to_tsquery('english'::regconfig, %s) q WHERE search_vector @@ q "
        "ORDER BY rank DESC, first_published_on DESC, id DESC LIMIT 20"
    )
    count = (
        "SELECT count(*) FROM public_publishedresponse, "
        "websearch_to_tsquery('english'::regconfig, %s) q WHERE search_vector @@ q"
    )
    on_the_fly = (
        "SELECT id FROM public_publishedresponse, websearch_to_tsquery('english'::regconfig, %s) q "
        "WHERE (setweight(to_tsvector('english'::regconfig, coalesce(report_title, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(recommendations_text, '')), 'B') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(response_text, '')), 'C')) @@ q LIMIT 20"
    )

    def timed(connection, sql) -> float:
        plan = connection.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, (query,)).fetchone()[0]
        return plan[0]["Execution Time"]

    results = {}
    with psycopg.connect(url) as connection:
        for _ in range(2):  # warm the buffers
            timed(connection, stored)
        results["stored vector, GIN index"] = min(timed(connection, stored) for _ in range(5))
        # Counting the matches (the page's heading and pagination): as the planner chooses,
        # and through the index only, as the site counts (public.selectors.count_matches).
        results["count of matches, planner's choice"] = min(
            timed(connection, count) for _ in range(5)
        )
        connection.execute("SET LOCAL enable_seqscan = off")
        results["count of matches, GIN index only (as the site counts)"] = min(
            timed(connection, count) for _ in range(5)
        )
        connection.rollback()
        connection.execute("DROP INDEX public_pr_search_gin")
        results["stored vector, no index"] = min(timed(connection, stored) for _ in range(3))
        connection.rollback()
        results["vector computed per row"] = timed(connection, on_the_fly)
    return results


# --- Load ----------------------------------------------------------------------------------------


def load(
    *,
    port: int,
    paths,
    duration: float,
    concurrency: int,
    uncached: bool = False,
    headers: dict | None = None,
    clients: list[tuple[dict, str]] | None = None,
) -> dict:
    """Requests `paths()` (a callable giving the next path) from `concurrency` threads.

    `uncached`: send a session cookie, which the public page cache never serves or stores
    (public/caching.py), so every request renders the page. `headers`: sent with every request.
    `clients`: one (headers, path) a thread instead, each thread requesting its own path with
    its own headers (bench/staff_load.py: each thread is a different person, signed in with
    their own session cookie); `concurrency` and `paths` are then not used."""
    headers = {"Host": "127.0.0.1", **(headers or {})}
    if uncached:
        headers["Cookie"] = "sessionid=bench-no-such-session"
    if clients:
        concurrency = len(clients)
        clients = [({**headers, **own}, path) for own, path in clients]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker(n: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        sent, own_path = clients[n] if clients else (headers, None)
        while time.perf_counter() < stop:
            path = own_path or paths()
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=sent)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()

    def pct(p):
        return (
            1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
            if latencies
            else float("nan")
        )

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / wall,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
    }


def cpu_per_request(paths: list[str], runs: int = 20) -> None:
    """CPU milliseconds one request costs in the web process (Django's test client in-process,
    median of `runs`), uncached (a session cookie) and through the page cache: on a shared
    machine this is the fair figure, where wall-clock time includes waiting for a core."""
    from django.core.cache import cache
    from django.test import Client

    print("| page | CPU ms (not cached) | CPU ms (cached) |")
    print("| --- | --- | --- |")
    for path in paths:
        results = []
        for uncached in (True, False):
            client = Client()
            if uncached:
                client.cookies["sessionid"] = "bench-no-such-session"
            cache.clear()
            client.get(path)
            times = []
            for _ in range(runs):
                started = time.process_time()
                client.get(path)
                times.append(1000 * (time.process_time() - started))
            results.append(statistics.median(times))
        print(f"| `{path}` | {results[0]:.1f} | {results[1]:.1f} |", flush=True)


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true", help="(re)create the bench database")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--per-report", type=int, default=10)
    parser.add_argument("--published", type=int, default=8_000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    url = bench_database_url(os.environ.get("DATABASE_URL", ""))
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "WARNING"}
    if args.generate:
        print(f"Creating {dj_database_url.parse(url)['NAME']}", flush=True)
        recreate_database(url)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run(  # noqa: S603 - our own interpreter and code
            [
                sys.executable,
                "-c",
                "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
                "django.setup(); from bench.public_load import generate; "
                f"generate(reports={args.reports}, per_report={args.per_report}, published={args.published})",
            ],
            env=env,
            check=True,
        )
        vacuum(url)

    print("\nSearch query alone (EXPLAIN ANALYZE, best of runs):")
    for query in ("violent crime", "force"):
        for label, ms in explain_search(url, query).items():
            print(f"  '{query}', {label}: {ms:.1f} ms")

    print("\nCPU per request in the web process:")
    subprocess.run(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            "django.setup(); from bench.public_load import cpu_per_request; "
            "from public.models import PublishedResponse; "
            "pk = PublishedResponse.objects.order_by('pk').values_list('response_id', flat=True)[0]; "
            "cpu_per_request(['/', '/published/?q=violent+crime', '/published/?q=force', "
            "f'/published/{pk}/'])",
        ],
        env=env,
        check=True,
    )

    import psycopg

    with psycopg.connect(url) as connection:
        response_ids = [
            row[0] for row in connection.execute("SELECT response_id FROM public_publishedresponse")
        ]
    rng = random.Random(7)  # noqa: S311 - load pattern, not secrets
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
        if server.poll() is not None:
            sys.exit("gunicorn exited: is the port free?")
        warm = rng.sample(response_ids, 300)
        cold = [r for r in response_ids if r not in set(warm)]
        rng.shuffle(cold)
        counter = iter(range(10**9))
        lock = threading.Lock()

        def next_cold():
            with lock:
                return f"/published/{cold[next(counter) % len(cold)]}/"

        for pk in warm:  # fill the page cache
            connection = http.client.HTTPConnection("127.0.0.1", args.port)
            connection.request("GET", f"/published/{pk}/")
            connection.getresponse().read()
        topics = [quote_plus(topic) for topic in TOPICS]
        scenarios = {
            "home page (cached)": (lambda: "/", False),
            "search for a topic, e.g. 'violent crime' (not cached)": (
                lambda: f"/published/?q={rng.choice(topics)}",
                True,
            ),
            "search for a word in every response, 'force' (not cached)": (
                lambda: "/published/?q=force",
                True,
            ),
            "search 'violent crime' (cached)": (lambda: "/published/?q=violent+crime", False),
            "response page, cold cache": (next_cold, False),
            "response page (cached)": (lambda: f"/published/{rng.choice(warm)}/", False),
        }
        print(
            f"\nLoad: {args.concurrency} concurrent clients, {args.duration:.0f} s each, gunicorn {args.workers} workers"
        )
        print("| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, (paths, uncached) in scenarios.items():
            common = {"port": args.port, "paths": paths, "concurrency": args.concurrency}
            load(**common, duration=2, uncached=uncached)  # warm-up
            result = load(**common, duration=args.duration, uncached=uncached)
            print(
                f"| {name} | {result['requests']} | {result['errors']} | {result['rps']:.0f} | "
                f"{result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
