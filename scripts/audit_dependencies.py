"""Known vulnerabilities in what ships: `pip-audit` on the Python pins, `npm audit` on the front end.

Run by scripts/test.sh (so by `make test` and .ci/run) with the project's virtualenv:

    .venv/bin/python scripts/audit_dependencies.py

Python: every exact pin in pyproject.toml's dependency groups, plus the version installed in this
virtualenv of each package those pins pull in (pyproject pins only the direct dependencies), is
checked with pip-audit against PyPI's vulnerability data, without resolving anything again
(`--no-deps --disable-pip`). Front end: `npm audit --omit=dev` on package-lock.json, that is the
packages whose code reaches people's browsers (govuk-frontend), not the build and test tools.

Any known vulnerability fails the audit unless docs/dependency-audit-allowlist.toml accepts it
with a reason and an expiry date no more than 90 days after it was accepted; an expired entry
fails too. If a vulnerability database cannot be reached (offline, or a registry mirror without
the advisory endpoints) the audit cannot say anything, and prints "NOT RUN" with the reason. The
databases are outside services that no test can start on 127.0.0.1, and this project's CI
machine reaches packages only through a mirror that serves no advisories, so an unreachable
database fails the run only where S55_REQUIRE_AUDIT=1 says the network must reach it.

Exit status: 0 passed (or not run), 1 vulnerabilities or a broken allow-list, 2 a database
unreachable with S55_REQUIRE_AUDIT=1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"
ALLOWLIST = REPO_ROOT / "docs" / "dependency-audit-allowlist.toml"
#: The longest an accepted vulnerability may stay accepted before someone looks again.
MAX_ACCEPTANCE = timedelta(days=90)
ECOSYSTEMS = ("pypi", "npm")


@dataclass(frozen=True)
class Finding:
    """One known vulnerability in one package version."""

    ecosystem: str
    package: str
    version: str
    ids: frozenset[str]
    summary: str = ""

    def describe(self) -> str:
        return f"{self.ecosystem} {self.package} {self.version}: {', '.join(sorted(self.ids))}" + (
            f" ({self.summary})" if self.summary else ""
        )


class Unreachable(Exception):
    """The vulnerability database could not be asked; the message says what happened."""


class AllowlistError(Exception):
    """The allow-list is malformed or has an expired entry; the message names the entry."""


# --- the allow-list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    id: str
    ecosystem: str
    package: str
    reason: str
    accepted_on: date
    expires_on: date

    def covers(self, finding: Finding) -> bool:
        return (
            self.ecosystem == finding.ecosystem
            and _name(self.package) == _name(finding.package)
            and self.id in finding.ids
        )


def load_allowlist(text: str, *, today: date) -> list[Accepted]:
    """The accepted vulnerabilities; raises AllowlistError for a malformed or expired entry."""
    entries = tomllib.loads(text).get("accepted", [])
    accepted = []
    for number, entry in enumerate(entries, start=1):
        label = f"entry {number} ({entry.get('id', 'no id')})"
        missing = [
            key
            for key in (
                "id",
                "ecosystem",
                "package",
                "reason",
                "accepted_by",
                "accepted_on",
                "expires_on",
            )
            if not entry.get(key)
        ]
        if missing:
            raise AllowlistError(f"{label} lacks {', '.join(missing)}")
        if entry["ecosystem"] not in ECOSYSTEMS:
            raise AllowlistError(f"{label}: ecosystem must be one of {', '.join(ECOSYSTEMS)}")
        if not all(isinstance(entry[key], date) for key in ("accepted_on", "expires_on")):
            raise AllowlistError(f"{label}: accepted_on and expires_on must be dates (2026-12-04)")
        if entry["expires_on"] - entry["accepted_on"] > MAX_ACCEPTANCE:
            raise AllowlistError(
                f"{label}: expires_on may be at most {MAX_ACCEPTANCE.days} days after accepted_on"
            )
        if entry["expires_on"] < today:
            raise AllowlistError(
                f"{label} expired on {entry['expires_on']:%Y-%m-%d}: upgrade the package, or "
                "look at the vulnerability again and record a new decision"
            )
        accepted.append(
            Accepted(
                id=entry["id"],
                ecosystem=entry["ecosystem"],
                package=entry["package"],
                reason=entry["reason"],
                accepted_on=entry["accepted_on"],
                expires_on=entry["expires_on"],
            )
        )
    return accepted


def not_accepted(findings: list[Finding], accepted: list[Accepted]) -> list[Finding]:
    return [f for f in findings if not any(entry.covers(f) for entry in accepted)]


# --- Python -----------------------------------------------------------------------------------


def _name(name: str) -> str:
    """PEP 503 normalised name: Django, django and DJANGO are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def python_pins(pyproject_text: str) -> dict[str, str]:
    """Every exact pin (`name==version`) in the dependency groups, by normalised name.

    A requirement that is not an exact pin is an error: what ships must be pinned."""
    from packaging.requirements import Requirement

    groups = tomllib.loads(pyproject_text).get("dependency-groups", {})
    pins: dict[str, str] = {}
    for group in groups.values():
        for item in group:
            if isinstance(item, dict):  # {include-group = "runtime"}
                continue
            requirement = Requirement(item)
            specifiers = list(requirement.specifier)
            if len(specifiers) != 1 or specifiers[0].operator != "==":
                raise ValueError(f"not an exact pin in pyproject.toml: {item}")
            pins[_name(requirement.name)] = specifiers[0].version
    return pins


def installed_requirements(pins: dict[str, str], pyproject_text: str) -> dict[str, str]:
    """The pins, plus the installed version of every package they depend on (with the extras
    asked for, e.g. psycopg[binary]), found through the installed packages' metadata."""
    from packaging.requirements import Requirement

    wanted: list[tuple[str, frozenset[str]]] = []
    for group in tomllib.loads(pyproject_text).get("dependency-groups", {}).values():
        for item in group:
            if isinstance(item, str):
                requirement = Requirement(item)
                wanted.append((requirement.name, frozenset(requirement.extras)))
    found = dict(pins)
    seen: set[tuple[str, frozenset[str]]] = set()
    while wanted:
        name, extras = wanted.pop()
        if (_name(name), extras) in seen:
            continue
        seen.add((_name(name), extras))
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency for another platform: not installed, not shipped
        found.setdefault(_name(name), distribution.version)
        for text in distribution.requires or []:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(
                requirement.marker.evaluate(environment) for environment in environments
            ):
                continue
            wanted.append((requirement.name, frozenset(requirement.extras)))
    return found


def pip_audit_findings(report: dict) -> list[Finding]:
    """The vulnerabilities in pip-audit's JSON report. A dependency it could not look up means
    the database did not answer for it: Unreachable, since nothing can be said about it."""
    skipped = [
        f"{dependency['name']}: {dependency['skip_reason']}"
        for dependency in report.get("dependencies", [])
        if dependency.get("skip_reason")
    ]
    if skipped:
        shown = "; ".join(skipped[:3]) + (
            f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        )
        raise Unreachable(f"pip-audit could not look up {len(skipped)} package(s): {shown}")
    return [
        Finding(
            ecosystem="pypi",
            package=dependency["name"],
            version=dependency["version"],
            ids=frozenset([vuln["id"], *vuln.get("aliases", [])]),
            summary=(
                f"fixed in {', '.join(vuln['fix_versions'])}" if vuln.get("fix_versions") else ""
            ),
        )
        for dependency in report.get("dependencies", [])
        for vuln in dependency.get("vulns", [])
    ]


def run_pip_audit(requirements: dict[str, str]) -> list[Finding]:
    with tempfile.TemporaryDirectory() as folder:
        requirements_file = Path(folder) / "requirements.txt"
        requirements_file.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(requirements.items()))
        )
        output = Path(folder) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements_file),
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--output",
            str(output),
            "--progress-spinner",
            "off",
            "--timeout",
            "30",
        ]
        # pip-audit exits 1 both when it finds vulnerabilities and when it fails: the report
        # file tells the two apart.
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if not output.exists() or not output.read_text().strip():
            raise Unreachable(
                f"pip-audit wrote no report (exit {result.returncode}): "
                + (result.stderr.strip().splitlines() or ["no message"])[-1]
            )
        return pip_audit_findings(json.loads(output.read_text()))


# --- npm --------------------------------------------------------------------------------------


def npm_audit_findings(report: dict) -> list[Finding]:
    """The advisories in `npm audit --json` output (npm 7 and later)."""
    if "error" in report or "statusCode" in report:
        detail = report.get("message") or report.get("error", {}).get("summary") or "no message"
        raise Unreachable(f"npm audit could not reach the advisory database: {detail}")
    # npm counts the project itself among the "prod" dependencies.
    audited = report.get("metadata", {}).get("dependencies", {}).get("prod", 0) - 1
    if audited < 1:
        raise AllowlistError(
            "npm audit --omit=dev audited no packages: the front end's runtime packages "
            "(govuk-frontend) must be in package.json's dependencies, not devDependencies"
        )
    findings = []
    for name, vulnerability in report.get("vulnerabilities", {}).items():
        for via in vulnerability.get("via", []):
            if not isinstance(via, dict):
                continue  # vulnerable only through another package, which is listed itself
            advisory = re.search(r"GHSA-[\w-]+", via.get("url", ""))
            ids = {str(via.get("source", ""))} | ({advisory.group(0)} if advisory else set())
            findings.append(
                Finding(
                    ecosystem="npm",
                    package=name,
                    version=via.get("range", ""),
                    ids=frozenset(i for i in ids if i),
                    summary=f"{via.get('severity', '')}: {via.get('title', '')}",
                )
            )
    return findings


def run_npm_audit() -> list[Finding]:
    command = ["npm", "audit", "--omit=dev", "--audit-level=low", "--json"]
    try:
        result = subprocess.run(  # noqa: S603
            command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=180
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unreachable(f"npm audit did not run: {error}") from error
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise Unreachable(
            f"npm audit gave no report (exit {result.returncode}): "
            + (result.stderr.strip().splitlines() or ["no message"])[-1]
        ) from error
    return npm_audit_findings(report)


# --- the audit --------------------------------------------------------------------------------


def main() -> int:
    required = os.environ.get("S55_REQUIRE_AUDIT") == "1"
    today = date.today()  # noqa: DTZ011 - a calendar date for the allow-list, not an instant
    try:
        accepted = load_allowlist(ALLOWLIST.read_text(encoding="utf-8"), today=today)
    except AllowlistError as error:
        print(f"audit: {ALLOWLIST.relative_to(REPO_ROOT)}: {error}", file=sys.stderr)
        return 1
    pyproject = PYPROJECT.read_text(encoding="utf-8")
    requirements = installed_requirements(python_pins(pyproject), pyproject)
    status = 0
    for label, run in (
        (f"pip-audit, {len(requirements)} Python packages", lambda: run_pip_audit(requirements)),
        ("npm audit --omit=dev", run_npm_audit),
    ):
        try:
            findings = run()
        except Unreachable as error:
            if required:
                print(f"audit: {label}: FAILED, {error} (S55_REQUIRE_AUDIT=1)", file=sys.stderr)
                status = max(status, 2)
            else:
                print(f"audit: {label}: NOT RUN, {error}")
            continue
        except AllowlistError as error:
            print(f"audit: {label}: FAILED, {error}", file=sys.stderr)
            status = max(status, 1)
            continue
        refused = not_accepted(findings, accepted)
        for finding in findings:
            mark = "known vulnerability" if finding in refused else "accepted (allow-list)"
            print(f"audit: {mark}: {finding.describe()}", file=sys.stderr)
        if refused:
            print(
                f"audit: {label}: FAILED, {len(refused)} known vulnerability(ies). Upgrade the "
                f"package, or accept it in {ALLOWLIST.relative_to(REPO_ROOT)} with a reason "
                "and an expiry date",
                file=sys.stderr,
            )
            status = max(status, 1)
        else:
            print(f"audit: {label}: no known vulnerabilities outside the allow-list")
    return status


if __name__ == "__main__":
    sys.exit(main())
