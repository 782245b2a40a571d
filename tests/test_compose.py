"""docker-compose.yml is a valid Compose file and describes the deployment we rely on.

There is no Docker engine where the tests run, so the file is checked offline against the
Compose Specification's JSON schema as vendored by the check-jsonschema package (a dev
dependency), plus the few properties of our stack that a schema cannot express.
"""

import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

COMPOSE_FILE = Path(__file__).resolve().parent.parent / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat", "migrate")


@pytest.fixture(scope="module")
def compose_schema() -> dict[str, Any]:
    schema = get_builtin_schema("vendor.compose-spec")
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # safe_load resolves the anchors and `<<` merge keys, as Compose does before validating.
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def schema_errors(schema: dict[str, Any], document: dict[str, Any]) -> list[str]:
    # No format checker: Compose durations such as "5s" are not ISO 8601 durations, and
    # Compose itself does not enforce the schema's "format" keywords that way either.
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top level)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_compose_file_matches_the_compose_specification(compose_schema, compose):
    assert schema_errors(compose_schema, compose) == []


def test_the_schema_check_rejects_a_misspelt_service_key(compose_schema, compose):
    broken = {**compose, "services": {**compose["services"], "web": {"image": "x", "comand": []}}}

    assert any("comand" in error for error in schema_errors(compose_schema, broken))


def test_exactly_one_service_runs_celery_beat(compose):
    runs_beat = {
        name: service
        for name, service in compose["services"].items()
        if "beat" in command_of(service) or "--beat" in command_of(service)
    }

    assert list(runs_beat) == ["beat"]
    assert runs_beat["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_beat_keeps_its_schedule_on_a_volume(compose):
    beat = compose["services"]["beat"]
    schedule = next(part for part in command_of(beat) if part.startswith("--schedule="))
    schedule_dir = str(Path(schedule.removeprefix("--schedule=")).parent)

    mounts = [volume.split(":") for volume in beat["volumes"]]
    assert any(source in compose["volumes"] and target == schedule_dir for source, target in mounts)


def test_worker_beat_and_migrate_run_the_web_image(compose):
    services = compose["services"]
    web = services["web"]

    for name in ("worker", "beat", "migrate"):
        assert services[name]["image"] == web["image"], name
        assert services[name]["build"] == web["build"], name


def test_web_serves_the_wsgi_app_with_gunicorn(compose):
    command = command_of(compose["services"]["web"])

    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command


def test_worker_runs_a_celery_worker_for_the_config_app(compose):
    command = command_of(compose["services"]["worker"])

    assert command[:4] == ["celery", "-A", "config", "worker"]
    assert "--beat" not in command


@pytest.mark.parametrize("name", ["db", "redis"])
def test_backing_services_have_healthchecks(compose, name):
    healthcheck = compose["services"][name].get("healthcheck", {})

    assert healthcheck.get("test"), f"{name} has no healthcheck test"
    assert not healthcheck.get("disable", False)


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_wait_for_healthy_backing_services_and_migrations(compose, name):
    depends_on = compose["services"][name]["depends_on"]

    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_before_the_app_starts(compose):
    migrate = compose["services"]["migrate"]

    assert command_of(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_with_production_settings(compose, name):
    environment = compose["services"][name]["environment"]

    assert environment["DJANGO_PRODUCTION"] == "1"
    for variable in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        assert environment[variable], variable
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
    # The secret key comes from the environment or .env, never from this file.
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY")


def test_only_the_proxy_is_published_to_the_outside(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}

    assert published == {"proxy"}
    assert {str(port) for port in compose["services"]["proxy"]["ports"]} == {"80:80", "443:443"}


def test_the_proxy_serves_the_web_service_and_the_worker_refreshes_it(compose):
    services = compose["services"]
    proxy = services["proxy"]["environment"]

    assert proxy["S55_UPSTREAM"] == "web:8000"
    assert "--bind=0.0.0.0:8000" in command_of(services["web"])
    refresh = services["worker"]["environment"]["S55_PROXY_REFRESH_URL"]
    assert refresh == f"http://proxy:{proxy['S55_REFRESH_LISTEN']}"
    # The proxy keeps serving its copies while web is down: it must not wait for web's health.
    assert services["proxy"]["depends_on"] == ["web"]
