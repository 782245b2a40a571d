"""Benchmark: importing 50 KB of pasted text.

    .venv/bin/python -m bench.import_bench [--runs 15] [--size 50000]

Times three stages on one core (the process is pinned to one CPU where the OS allows), after
one warm-up of each, reporting the best and median of `--runs` in wall-clock and CPU
milliseconds:

- **parse**: `responses.importer.parser.parse`, the pure reading of the text;
- **propose**: what the paste does before it touches the database: `extract_pasted` (size
  checks, HTML sniffing), `parse`, and `draft.build_payload` (the editable proposal);
- **paste request**: the whole service behind the "Read the document" button,
  `import_draft_create` (also looks up the 43 forces and saves the draft), in a throwaway
  test database (in memory for SQLite, `test_<name>` on PostgreSQL).

for two documents of `--size` characters:

- **structured**: a generated HMICFRS-style report: title, date, ten graded areas, a summary
  of paragraphs and bullet lists, causes of concern each with a lead-in and recommendations,
  areas for improvement, practice, Windows line endings, hard-wrapped lines, smart quotes;
- **unstructured**: generated prose with no headings (everything is "not placed").

Target: under 100 ms for a 50 KB import (the "propose" stage, which is the importer's own
work). Results are recorded in docs/benchmarks.md.
"""

import argparse
import os
import random
import statistics
import sys
import textwrap
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

_PROSE = (
    "the force should make sure that officers and staff record every crime reported to it "
    "within twenty four hours supervisors review decisions victims are told about progress "
    "the constabulary will improve training audit governance and data quality across all "
    "teams including the control room investigation units neighbourhood policing and custody "
    "we found that the force\u2019s approach to vulnerable people is inconsistent and it "
    "doesn\u2019t always understand demand"
)
_WORDS = _PROSE.split()
_AREAS = [
    "Investigating crime",
    "Protecting vulnerable people",
    "Managing offenders and suspects",
    "Responding to the public",
    "Preventing crime",
    "Recording data about crime",
    "Treatment of the public",
    "Developing a positive workplace",
    "Leadership and force management",
    "Disrupting serious organised crime",
]
_GRADES = ["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    text = " ".join(_sentence(rng, rng.randint(8, 22)) for _ in range(sentences))
    return textwrap.fill(text, width=rng.choice([72, 80, 1000]))


def structured_document(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    parts = [
        "PEEL 2023\u201325: An inspection of West Mercia Police",
        "Published on 12 March 2024",
        "OUR JUDGEMENTS",
        "\n".join(f"{area}: {rng.choice(_GRADES)}" for area in _AREAS),
        "SUMMARY",
    ]
    tail = ["Innovative practice", _paragraph(rng, 3)]
    body: list[str] = []
    cause = 0
    while len("\n\n".join(parts + body + tail)) < size:
        body.append(_paragraph(rng, rng.randint(2, 5)))
        body.append(
            "We found the force:\n"
            + "\n".join(
                f"\u2022 {_sentence(rng, rng.randint(6, 16))[:-1]};"
                for _ in range(rng.randint(2, 5))
            )
        )
        if len(body) % 6 == 0:
            cause += 1
            body.append(f"Cause of concern {cause}")
            body.append(_paragraph(rng, 2))
            body.append("Recommendations")
            body.append(
                "Within six months, the force should:\n"
                + "\n".join(f"- {_sentence(rng, 14)[:-1]};" for _ in range(rng.randint(2, 4)))
            )
            body.append("Areas for improvement")
            body.append(
                "\n".join(f"- The force should {_sentence(rng, 12).lower()}" for _ in range(3))
            )
            body.append("Key findings")
    text = "\n\n".join(parts + body + tail)[:size]
    return text.replace("\n", "\r\n")


def unstructured_document(size: int, seed: int = 2) -> str:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    paragraphs = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(_paragraph(rng, rng.randint(2, 6)))
    return "\n\n".join(paragraphs)[:size]


def _time(function, runs: int) -> dict:
    function()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "wall_best": min(walls),
        "wall_median": statistics.median(walls),
        "cpu_best": min(cpus),
        "cpu_median": statistics.median(cpus),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each stage")
    parser.add_argument("--size", type=int, default=50_000, help="characters of text")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from accounts.models import Membership, PolicingBody, User
    from responses.importer import draft
    from responses.importer import parser as importer_parser
    from responses.importer.extract import extract_pasted
    from responses.importer.services import force_names, import_draft_create

    documents = {
        "structured": structured_document(args.size),
        "unstructured": unstructured_document(args.size),
    }
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results = {}
    try:
        office = PolicingBody.objects.get(slug="norfolk-pcc")
        user = User.objects.create(username="bench-drafter")
        Membership.objects.create(
            user=user, role=Membership.Role.OPCC_DRAFTER, policing_body=office
        )
        forces = force_names()
        for name, text in documents.items():
            result = importer_parser.parse(text, forces=forces)

            def propose(text=text):
                extracted = extract_pasted(text)
                draft.build_payload(importer_parser.parse(extracted.text, forces=forces))

            results[name] = {
                "chars": len(text),
                "items": len(result.items),
                "not placed": len(result.not_placed),
                "parse": _time(
                    lambda text=text: importer_parser.parse(text, forces=forces), args.runs
                ),
                "propose": _time(propose, args.runs),
                "paste request": _time(
                    lambda text=text: import_draft_create(
                        policing_body=office, acting_user=user, text=text
                    ),
                    args.runs,
                ),
            }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"Import of {args.size:,} characters, {args.runs} runs after a warm-up, on {cores} "
        f"core(s), {connection.vendor}; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'document':<13} {'items':>5} {'not placed':>10} {'stage':<14} {'wall best':>9} "
        f"{'wall med':>9} {'CPU best':>9} {'CPU med':>8}"
    )
    failed = False
    for name, result in results.items():
        for stage in ("parse", "propose", "paste request"):
            timing = result[stage]
            print(
                f"{name:<13} {result['items']:>5} {result['not placed']:>10} {stage:<14} "
                f"{timing['wall_best']:>7.1f}ms {timing['wall_median']:>7.1f}ms "
                f"{timing['cpu_best']:>7.1f}ms {timing['cpu_median']:>6.1f}ms"
            )
        failed |= result["propose"]["cpu_median"] > 100
    print("target: propose under 100 ms (CPU median):", "not met" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
