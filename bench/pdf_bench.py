"""Benchmark: rendering a response as a PDF.

    .venv/bin/python -m bench.pdf_bench [--runs 7] [--keep test-artefacts/pdf/bench]

Times `responses.pdf.response_preview_pdf` (read the response, render the template, WeasyPrint
to PDF/UA-1) for:

- the Norfolk CDI 2019 demo response (target: at most 0.5 s), and
- a generated response to a report with 60 recommendations and 40 areas for improvement, each
  explained, with long comments (target: at most 3 s),

on one core (the process is pinned to one CPU where the OS allows), after one warm-up render of
each, reporting the best and median of `--runs` renders in wall-clock and CPU seconds. CPU time
is the fairer figure on a shared machine: it is what the render itself costs. Results are
recorded in docs/benchmarks.md.

It runs against a throwaway test database (Django's test-database machinery: in memory for
SQLite, `test_<name>` on PostgreSQL), never the development database in var/.
"""

import argparse
import io
import os
import random
import secrets
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import django
from pypdf import PdfReader

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

#: Words for generated text: plain policing prose, so line breaking is realistic.
_PROSE = (
    "the force should make sure that officers and staff record every crime reported to it "
    "within twenty four hours supervisors review decisions victims are told about progress "
    "the constabulary will improve training audit governance and data quality across all "
    "teams including the control room investigation units neighbourhood policing and custody "
    "commissioner assurance accountability forum evidence performance panel update plan"
)
_WORDS = _PROSE.split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int, words: int) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(max(1, words // 18)))
        for _ in range(count)
    )


def build_large_response(*, acting_user, recommendations: int = 60, afis: int = 40):
    """A response, ready for approval, to a report with many findings (Norfolk's office), made
    through the real services by `acting_user` (a Norfolk drafter)."""
    from accounts.models import PolicingBody
    from inspections.models import Addressee, Finding, ReportType, Scope
    from inspections.services import finding_add, report_create
    from responses.services import (
        explanation_save,
        response_create,
        response_invite_force,
        response_record_force_comments,
        response_update_text,
    )

    rng = random.Random(55)  # noqa: S311 - repeatable text, not security
    body = PolicingBody.objects.select_related("force").get(slug="norfolk-pcc")
    user = acting_user
    report = report_create(
        acting_user=user,
        forces=[body.force],
        title=f"PEEL 2025-29: an inspection of {body.force.name} (benchmark)",
        published_on=date(2025, 6, 3),
        report_type=ReportType.PEEL,
        scope=Scope.FORCE,
    )
    for _ in range(8):
        text = (
            _paragraphs(rng, 1, 70)
            + "\n\n"
            + "\n".join(f"- {_sentence(rng, 14)}" for _ in range(4))
        )
        finding_add(report=report, kind=Finding.Kind.KEY_FINDING, text=text, acting_user=user)
    for n in range(3):
        finding_add(
            report=report,
            kind=Finding.Kind.CAUSE_OF_CONCERN,
            text=_paragraphs(rng, 1, 80),
            reference=f"Cause of concern {n + 1}",
            acting_user=user,
        )
    recs = [
        finding_add(
            report=report,
            kind=Finding.Kind.RECOMMENDATION,
            text=_paragraphs(rng, 1, 55),
            reference=f"R{n + 1}",
            addressees=[Addressee.FORCE],
            timescale_text=rng.choice(["immediately", "within six months", "by 31 March 2026"]),
            acting_user=user,
        )
        for n in range(recommendations)
    ]
    areas = [
        finding_add(
            report=report,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            text=_paragraphs(rng, 1, 35),
            reference=f"AFI {n + 1}",
            acting_user=user,
        )
        for n in range(afis)
    ]
    response = response_create(report=report, policing_body=body, acting_user=user)
    response = response_invite_force(
        response=response, invited_on=date(2025, 6, 4), reply_by=date(2025, 7, 1), acting_user=user
    )
    response = response_record_force_comments(
        response=response,
        acting_user=user,
        text=_paragraphs(rng, 4, 90),
        received_on=date(2025, 6, 30),
        author_name="A. Chief",
        author_role="Chief Constable",
    )
    for n, finding in enumerate(recs):
        explanation_save(
            response=response,
            finding=finding,
            acting_user=user,
            kind="action_proposed",
            text=_paragraphs(rng, 1, 80),
            force_comment=_paragraphs(rng, 1, 40) if n % 2 == 0 else "",
        )
    for finding in areas:
        explanation_save(
            response=response,
            finding=finding,
            acting_user=user,
            kind="action_proposed",
            text=_paragraphs(rng, 1, 40),
        )
    return response_update_text(
        response=response,
        acting_user=user,
        office_comments=_paragraphs(rng, 5, 90),
        reply_to_force=_paragraphs(rng, 2, 60),
    )


def _time(render, runs: int) -> dict:
    render()  # warm-up: imports, fonts, template and stylesheet caches
    walls, cpus = [], []
    data = b""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        data = render()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "kib": len(data) / 1024,
        "wall_best": min(walls),
        "wall_median": statistics.median(walls),
        "cpu_best": min(cpus),
        "cpu_median": statistics.median(cpus),
        "data": data,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed renders of each document")
    parser.add_argument("--keep", type=Path, help="write the rendered PDFs to this folder")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    from core import events
    from responses.demo import build_demo
    from responses.demo import norfolk_cdi_2019 as norfolk
    from responses.models import Response
    from responses.pdf import FONT_DIR, response_preview_pdf

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # No Celery messages from a throwaway database: what follows publication is recorded, not run.
    enqueue = events.enqueue
    events.enqueue = lambda delivery_ids: None
    try:
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            build_demo(password=secrets.token_urlsafe(16))
            large = build_large_response(
                acting_user=get_user_model().objects.get(username="drafter")
            )
        demo = Response.objects.get(report__title=norfolk.TITLE)
        results = {
            "Norfolk CDI 2019 demo (3 recommendations, 6 AFIs)": (
                _time(lambda: response_preview_pdf(demo)[0], args.runs),
                0.5,
            ),
            "Generated: 60 recommendations, 40 AFIs": (
                _time(lambda: response_preview_pdf(large)[0], args.runs),
                3.0,
            ),
        }
    finally:
        events.enqueue = enqueue
        connection.creation.destroy_test_db(old_name, verbosity=0)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"PDF render, {args.runs} runs after a warm-up, on {cores} core(s), "
        f"{connection.vendor}; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"Font: Liberation Sans from {FONT_DIR.relative_to(settings.BASE_DIR)}, embedded")
    print(
        f"{'document':<52} {'pages':>5} {'KiB':>6} {'wall best':>9} {'wall med':>9} "
        f"{'CPU best':>9} {'CPU med':>8} {'target':>6}"
    )
    failed = False
    for name, (result, target) in results.items():
        ok = result["cpu_median"] <= target
        failed |= not ok
        print(
            f"{name:<52} {result['pages']:>5} {result['kib']:>6.0f} {result['wall_best']:>8.2f}s "
            f"{result['wall_median']:>8.2f}s {result['cpu_best']:>8.2f}s "
            f"{result['cpu_median']:>7.2f}s {target:>5.1f}s {'ok' if ok else 'OVER'}"
        )
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            stem = "norfolk" if "Norfolk" in name else "generated-60-40"
            (args.keep / f"{stem}.pdf").write_bytes(result["data"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
