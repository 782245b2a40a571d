"""Benchmark: the public recommendation register at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/section55 \\
        .venv/bin/python -m bench.register_bench [--generate] [--runs 40]

1. `--generate` (re)creates the database `<name>_register_bench` next to the one in
   DATABASE_URL (never the development database), migrates it and fills it, with the bulk
   generator of bench/public_load.py, with 20,000 reports of 10 recommendations each, every
   one answered by one of the 43 bodies: 200,000 published recommendations, each with a
   public status, a target date and a last public update, and their stored search vectors.
2. Times, in process through Django's test client with no page cache (every request renders),
   `--runs` requests of each: the register's first page, a random later page, filtered by a
   body, by status and overdue, a search, and the CSV export of one body's rows (streamed, read
   to the end) and the time to the first bytes of the whole register's CSV. A page request
   carries a new parameter each time, so it is rendered, never served from the page cache. Prints p50, p95
   and the load average. Target: p95 under 200 ms for the page and the CSV export.
   Results are recorded in docs/benchmarks.md.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from bench.public_load import bench_database_url, recreate_database

STATUSES = ["open", "in_progress", "pending_sign_off", "complete", "", ""]


def fill_register_columns(seed: int = 55) -> None:
    """Give each generated item a public status, a target date and a last public update (the
    generator of bench/public_load.py leaves them empty), and its search vector."""
    from django.db import connection

    rng = random.Random(seed)  # noqa: S311 - test data
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, report_published_on FROM public_publisheditem")
        rows = cursor.fetchall()
        values = []
        for item_id, published_on in rows:
            status = rng.choice(STATUSES)
            target = published_on + timedelta(days=rng.choice([90, 180, 365]))
            update = published_on + timedelta(days=rng.randint(60, 400)) if status else None
            values.append((item_id, status, target, update))
        cursor.execute("CREATE TEMP TABLE bench_cols (id bigint, s varchar(20), t date, u date)")
        with cursor.copy("COPY bench_cols (id, s, t, u) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(
            "UPDATE public_publisheditem AS i SET public_status = b.s, target_date = b.t, "
            "last_public_update_on = b.u, timescale_kind = 'within_period' "
            "FROM bench_cols AS b WHERE b.id = i.id"
        )
        cursor.execute(
            "UPDATE public_publisheditem AS i SET search_vector = "
            "setweight(to_tsvector('english', coalesce(r.report_title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(i.text, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(i.explanation, '')), 'B') "
            "FROM public_publishedresponse AS r WHERE r.id = i.record_id"
        )


def timed(client, url: str) -> tuple[float, float]:
    """The wall-clock and CPU milliseconds of one request, its answer read to the end."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    else:
        _ = response.content
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def streamed(client, url: str) -> tuple[float, float, float, int]:
    """A streamed CSV: milliseconds to its first bytes, to its first row (the second line
    break), to its end, and how many chunks it was sent in."""
    started = time.perf_counter()
    response = client.get(url)
    first = first_row = None
    chunks = lines = 0
    for chunk in response.streaming_content:
        chunks += 1
        if first is None:
            first = (time.perf_counter() - started) * 1000
        if first_row is None:
            lines += chunk.count(b"\n")
            if lines >= 2:
                first_row = (time.perf_counter() - started) * 1000
    return first, first_row, (time.perf_counter() - started) * 1000, chunks


def percentile95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def measure(runs: int, only: str = "") -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import PolicingBody
    from public.models import PublishedItem

    # A process-local cache, as a web worker has: the filter choices stay cached (they change
    # only when something is published); every page request carries a new `n`, so the page
    # itself is never served from the page cache: each one is rendered.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    rng = random.Random(7)  # noqa: S311
    slugs = list(PolicingBody.objects.values_list("slug", flat=True))
    total = PublishedItem.objects.count()
    pages = total // 25
    counter = iter(range(10**9))

    def fresh(url: str) -> str:
        return url + ("&" if "?" in url else "?") + f"n={next(counter)}"

    words = ["custody", "vetting", "stalking", "fraud", "domestic abuse", "county lines"]
    cases = {
        "register, first page": lambda: fresh("/recommendations/"),
        "register, a random page": lambda: fresh(f"/recommendations/?page={rng.randint(2, pages)}"),
        "register, one body": lambda: fresh(f"/recommendations/?office={rng.choice(slugs)}"),
        "register, status and overdue": lambda: fresh(
            "/recommendations/?status=in_progress&overdue=true"
        ),
        "register, search (thousands of matches: newest first)": lambda: fresh(
            f"/recommendations/?q={rng.choice(words)}"
        ),
        "register, search in one body (hundreds of matches: by relevance)": lambda: fresh(
            f"/recommendations/?q={rng.choice(words)}&office={rng.choice(slugs)}"
        ),
        "register, one body, oldest first": lambda: fresh(
            f"/recommendations/?office={rng.choice(slugs)}&sort=oldest"
        ),
        "CSV, one body and year (whole file)": lambda: (
            f"/recommendations.csv?office={rng.choice(slugs)}&year={rng.randint(2018, 2024)}"
        ),
        "CSV, one body (whole file)": lambda: f"/recommendations.csv?office={rng.choice(slugs)}",
        "API, one body (page of 50)": lambda: f"/api/register/?office={rng.choice(slugs)}",
    }
    client = Client()
    print(f"{total} published items; load average {os.getloadavg()}", flush=True)
    print("| request | runs | p50 ms | p95 ms | max ms | CPU p50 ms |")
    print("|---|---|---|---|---|---|")
    for name, url in cases.items():
        if only and only not in name:
            continue
        timed(client, url())  # warm
        samples = [timed(client, url()) for _ in range(runs)]
        wall = sorted(w for w, _cpu in samples)
        print(
            f"| {name} | {runs} | {statistics.median(wall):.0f} | {percentile95(wall):.0f} | "
            f"{wall[-1]:.0f} | {statistics.median(c for _w, c in samples):.0f} |",
            flush=True,
        )
    if only and only not in "CSV, the whole register":
        return
    # The whole register (200,000 rows) is measured as what a streamed download is: how soon
    # it starts (its header, then its first rows) and how long it takes to the end.
    samples = [streamed(client, "/recommendations.csv") for _ in range(max(runs // 10, 2))]
    for label, index in (("first bytes", 0), ("first row", 1), ("the end", 2)):
        values = [sample[index] for sample in samples]
        print(
            f"| CSV, the whole register: {label} | {len(values)} | "
            f"{statistics.median(values):.0f} | {percentile95(values):.0f} | {max(values):.0f} | |",
            flush=True,
        )
    print(f"whole register CSV: {total} rows in {samples[0][3]} chunks", flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="", help="only the requests whose name has this")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        import django

        django.setup()
        if args.generate:
            from bench.public_load import generate

            generate(reports=20_000, per_report=10, published=20_000)
            fill_register_columns()
        else:
            measure(args.runs, args.only)
        return
    url = bench_database_url(os.environ["DATABASE_URL"]).replace("_public_bench", "_register_bench")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if args.generate:
        recreate_database(url)
        subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, check=True
        )
        subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-m", "bench.register_bench", "--inside", "--generate"],
            env=env,
            check=True,
        )
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    subprocess.run(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-m",
            "bench.register_bench",
            "--inside",
            "--runs",
            str(args.runs),
            "--only",
            args.only,
        ],
        env=env,
        check=True,
    )


if __name__ == "__main__":
    main()
