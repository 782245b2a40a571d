"""The dependency audit (scripts/audit_dependencies.py), run by `make test` and .ci/run.

Most tests feed the script reports in the formats pip-audit and npm audit write, so they show
what the audit decides without a network; one asks PyPI for real about a release of Django with
published vulnerabilities, and needs PyPI's vulnerability data (skipped elsewhere, a failure on
CI, like the other tests that need a service).
"""

import importlib.util
import json
import os
import sys
from datetime import date

import pytest

from tests.conftest import REPO_ROOT

spec = importlib.util.spec_from_file_location(
    "audit_dependencies", REPO_ROOT / "scripts" / "audit_dependencies.py"
)
audit = importlib.util.module_from_spec(spec)
sys.modules["audit_dependencies"] = audit
spec.loader.exec_module(audit)

TODAY = date(2026, 12, 4)

#: A pip-audit JSON report (pip-audit 2.10) for Django 4.2.0, which has known vulnerabilities.
PIP_AUDIT_REPORT = {
    "dependencies": [
        {
            "name": "django",
            "version": "4.2.0",
            "vulns": [
                {
                    "id": "PYSEC-2023-100",
                    "fix_versions": ["4.2.2"],
                    "aliases": ["CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr"],
                    "description": "EmailValidator and URLValidator are subject to ReDoS.",
                }
            ],
        },
        {"name": "asgiref", "version": "3.13.0", "vulns": []},
    ],
    "fixes": [],
}

#: npm audit --json (npm 7 and later) with one advisory in a runtime package.
NPM_AUDIT_REPORT = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "govuk-frontend": {
            "name": "govuk-frontend",
            "severity": "low",
            "isDirect": True,
            "via": [
                {
                    "source": 1099999,
                    "name": "govuk-frontend",
                    "title": "Cross-site scripting in a component",
                    "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
                    "severity": "low",
                    "range": "<6.6.1",
                }
            ],
            "effects": [],
            "range": "<6.6.1",
            "nodes": ["node_modules/govuk-frontend"],
            "fixAvailable": True,
        }
    },
    "metadata": {"dependencies": {"prod": 2, "dev": 25, "total": 26}},
}


def accepted(**overrides) -> str:
    entry = {
        "id": '"GHSA-jh3w-4vvf-mjgr"',
        "ecosystem": '"pypi"',
        "package": '"Django"',
        "reason": '"Only the validators are affected; no form here takes URLs."',
        "accepted_by": '"A Developer"',
        "accepted_on": "2026-12-01",
        "expires_on": "2027-01-01",
    }
    entry.update(overrides)
    return "[[accepted]]\n" + "".join(f"{key} = {value}\n" for key, value in entry.items())


def test_every_exact_pin_in_pyproject_is_audited_with_what_it_pulls_in():
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    pins = audit.python_pins(pyproject)
    assert pins["django"] == "6.1.3"  # a runtime pin
    assert pins["pip-audit"]  # a dev pin
    audited = audit.installed_requirements(pins, pyproject)
    # Packages the pins depend on but pyproject does not pin: Django's asgiref, Celery's kombu,
    # and psycopg's binary wheel (asked for with the [binary] extra).
    assert {"asgiref", "kombu", "psycopg-binary"} <= set(audited)
    assert all(version for version in audited.values())


def test_a_requirement_that_is_not_an_exact_pin_is_refused():
    with pytest.raises(ValueError, match="not an exact pin"):
        audit.python_pins('[dependency-groups]\nruntime = ["Django>=6.1"]\n')


def test_a_known_python_vulnerability_fails_the_audit():
    findings = audit.pip_audit_findings(PIP_AUDIT_REPORT)
    assert [(f.package, f.version) for f in findings] == [("django", "4.2.0")]
    assert audit.not_accepted(findings, []) == findings


def test_a_known_front_end_vulnerability_fails_the_audit():
    findings = audit.npm_audit_findings(NPM_AUDIT_REPORT)
    assert [f.package for f in findings] == ["govuk-frontend"]
    assert "GHSA-aaaa-bbbb-cccc" in findings[0].ids
    assert audit.not_accepted(findings, []) == findings


def test_an_accepted_vulnerability_passes_by_any_of_its_ids():
    findings = audit.pip_audit_findings(PIP_AUDIT_REPORT)
    allowlist = audit.load_allowlist(accepted(), today=TODAY)
    assert audit.not_accepted(findings, allowlist) == []


def test_an_acceptance_covers_only_its_own_package_and_ecosystem():
    findings = audit.pip_audit_findings(PIP_AUDIT_REPORT)
    other_package = audit.load_allowlist(accepted(package='"flask"'), today=TODAY)
    other_ecosystem = audit.load_allowlist(accepted(ecosystem='"npm"'), today=TODAY)
    assert audit.not_accepted(findings, other_package) == findings
    assert audit.not_accepted(findings, other_ecosystem) == findings


def test_an_expired_acceptance_fails_the_audit():
    with pytest.raises(audit.AllowlistError, match="expired on 2027-01-01"):
        audit.load_allowlist(accepted(), today=date(2027, 1, 2))


def test_an_acceptance_longer_than_90_days_is_refused():
    with pytest.raises(audit.AllowlistError, match="at most 90 days"):
        audit.load_allowlist(accepted(expires_on="2027-06-01"), today=TODAY)


def test_an_acceptance_without_a_reason_is_refused():
    with pytest.raises(audit.AllowlistError, match="lacks reason"):
        audit.load_allowlist(accepted(reason='""'), today=TODAY)


def test_an_acceptance_without_who_accepted_it_is_refused():
    with pytest.raises(audit.AllowlistError, match="lacks accepted_by"):
        audit.load_allowlist(accepted(accepted_by='""'), today=TODAY)


def test_the_projects_allowlist_is_valid_today():
    text = audit.ALLOWLIST.read_text(encoding="utf-8")
    audit.load_allowlist(text, today=date.today())  # noqa: DTZ011


def test_a_package_pip_audit_could_not_look_up_means_the_database_did_not_answer():
    report = {
        "dependencies": [
            {
                "name": "django",
                "skip_reason": "Dependency not found on PyPI and could not be audited: django (6.1.3)",
            }
        ]
    }
    with pytest.raises(audit.Unreachable, match="could not look up 1 package"):
        audit.pip_audit_findings(report)


def test_an_npm_registry_without_the_advisory_endpoint_is_unreachable():
    report = {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
        "error": {"summary": "", "detail": ""},
    }
    with pytest.raises(audit.Unreachable, match="405"):
        audit.npm_audit_findings(report)


def test_npm_audit_of_no_runtime_packages_is_refused():
    # npm counts the project itself as one "prod" dependency.
    report = {"vulnerabilities": {}, "metadata": {"dependencies": {"prod": 1, "dev": 25}}}
    with pytest.raises(audit.AllowlistError, match="audited no packages"):
        audit.npm_audit_findings(report)


def test_the_front_ends_runtime_package_is_a_dependency_so_npm_audit_checks_it():
    package = json.loads((REPO_ROOT / "package.json").read_text())
    assert "govuk-frontend" in package["dependencies"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    assert "dev" not in lock["packages"]["node_modules/govuk-frontend"]


@pytest.fixture
def both_databases_unreachable(monkeypatch):
    def unreachable(*args, **kwargs):
        raise audit.Unreachable("no route to host")

    monkeypatch.setattr(audit, "run_pip_audit", unreachable)
    monkeypatch.setattr(audit, "run_npm_audit", unreachable)


def test_an_unreachable_database_fails_the_audit_where_it_must_be_reached(
    both_databases_unreachable, monkeypatch, capsys
):
    monkeypatch.setenv("S55_REQUIRE_AUDIT", "1")
    assert audit.main() == 2
    assert "FAILED, no route to host (S55_REQUIRE_AUDIT=1)" in capsys.readouterr().err


def test_an_unreachable_database_is_reported_as_not_run_with_the_reason(
    both_databases_unreachable, monkeypatch, capsys
):
    monkeypatch.delenv("S55_REQUIRE_AUDIT", raising=False)
    monkeypatch.setenv("S55_REQUIRE_SERVICES", "1")
    assert audit.main() == 0
    assert capsys.readouterr().out.count("NOT RUN, no route to host") == 2


def test_vulnerabilities_fail_the_audit_run(monkeypatch, capsys):
    monkeypatch.setattr(
        audit, "run_pip_audit", lambda requirements: audit.pip_audit_findings(PIP_AUDIT_REPORT)
    )
    monkeypatch.setattr(audit, "run_npm_audit", lambda: audit.npm_audit_findings(NPM_AUDIT_REPORT))
    assert audit.main() == 1
    err = capsys.readouterr().err
    assert "known vulnerability: pypi django 4.2.0" in err
    assert "known vulnerability: npm govuk-frontend" in err


def test_make_test_and_ci_run_the_audit():
    test_script = (REPO_ROOT / "scripts" / "test.sh").read_text()
    assert ".venv/bin/python scripts/audit_dependencies.py || audit_status=$?" in test_script


@pytest.mark.services
def test_pip_audit_finds_the_published_vulnerabilities_of_an_old_django():
    """The real database: Django 4.2.0 (April 2023) has published advisories."""
    try:
        findings = audit.run_pip_audit({"django": "4.2.0"})
    except audit.Unreachable as error:
        # Outside data, not a service the suite starts: required only with S55_REQUIRE_AUDIT=1.
        if os.environ.get("S55_REQUIRE_AUDIT") == "1":
            pytest.fail(f"PyPI's vulnerability data is not reachable: {error}")
        pytest.skip(f"PyPI's vulnerability data is not reachable: {error}")
    assert findings
    assert all(f.package == "django" and f.version == "4.2.0" for f in findings)
