"""deploy/stack.py runs what docker-compose.yml says, or refuses: the CI start-up and the compose
file cannot drift apart silently. No services needed (nginx only for the syntax check)."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver

from core.uploads import limit_for
from deploy import stack
from tests.conftest import require


def _compose_with(monkeypatch, service: str, **changes):
    document = stack.compose()
    document["services"][service] |= changes
    monkeypatch.setattr(stack, "compose", lambda: document)


def test_the_nginx_template_and_the_proxy_service_name_the_same_variables():
    template = set(re.findall(r"\$\{(S55_\w+)\}", stack.NGINX_TEMPLATE.read_text()))
    proxy = set(stack.compose()["services"]["proxy"]["environment"])

    assert template == set(stack.NGINX_VARIABLES)
    assert set(stack.NGINX_VARIABLES) <= proxy


def test_commands_come_from_the_compose_file_with_only_the_named_options_replaced():
    command = stack.command("web", options={"--bind": "127.0.0.1:9000"})
    composed = stack.compose()["services"]["web"]["command"]

    assert command == [
        "--bind=127.0.0.1:9000" if part.startswith("--bind=") else part for part in composed
    ]


def test_a_command_that_no_longer_has_an_option_the_ci_replaces_fails(monkeypatch):
    _compose_with(monkeypatch, "beat", command=["celery", "-A", "config", "beat"])

    with pytest.raises(stack.StackError, match="--schedule"):
        stack.command("beat", options={"--schedule": "schedule"})


def test_the_environment_is_compose_s_with_its_defaults_filled_in():
    environment = stack.environment("web", {"DJANGO_SECRET_KEY": "k"})

    assert environment["DJANGO_PRODUCTION"] == "1"
    assert environment["DJANGO_SECRET_KEY"] == "k"
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    assert environment["EMAIL_PORT"] == "587"


def test_a_required_variable_that_is_not_given_fails():
    with pytest.raises(stack.StackError, match="DJANGO_SECRET_KEY"):
        stack.environment("web", {})


def test_an_address_the_service_does_not_set_fails():
    with pytest.raises(stack.StackError, match="DATABASE_ULR"):
        stack.environment("web", {"DJANGO_SECRET_KEY": "k"}, addresses={"DATABASE_ULR": "x"})


def test_the_proxy_is_started_with_compose_s_command():
    assert stack.nginx_argv(stack.REPO_ROOT / "x" / "nginx.conf")[:3] == stack.command("proxy")


def test_a_template_variable_left_out_fails(tmp_path):
    with pytest.raises(stack.StackError, match="S55_UPSTREAM"):
        stack.nginx_config(tmp_path, dict.fromkeys(stack.NGINX_VARIABLES[:4], "x"))


def test_nginx_accepts_the_filled_in_configuration(tmp_path):
    require(shutil.which("nginx") is not None, "nginx is not installed (apt-get install nginx)")
    require(shutil.which("openssl") is not None, "openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    values = {
        "S55_SERVER_NAME": "localhost",
        "S55_HTTP_LISTEN": f"127.0.0.1:{stack.free_port()}",
        "S55_HTTPS_LISTEN": f"127.0.0.1:{stack.free_port()}",
        "S55_REFRESH_LISTEN": f"127.0.0.1:{stack.free_port()}",
        "S55_UPSTREAM": "127.0.0.1:9",
        "S55_TLS_CERTIFICATE": str(cert),
        "S55_TLS_CERTIFICATE_KEY": str(key),
        "S55_ACME_ROOT": str(tmp_path / "acme"),
        "S55_STATIC_ROOT": str(tmp_path / "static"),
        "S55_NGINX_CACHE_DIR": str(tmp_path / "cache"),
        "S55_NGINX_CONF_DIR": str(stack.NGINX_DIR),
    }
    config = stack.nginx_config(tmp_path / "nginx", values)

    checked = subprocess.run(  # noqa: S603
        ["nginx", "-t", "-p", str(config.parent), "-c", str(config)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def _megabytes(size: str) -> int:
    """nginx's size syntax: 25m is 25 MiB, 512k is 512 KiB."""
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def test_the_proxy_refuses_exactly_the_bodies_no_page_of_the_application_accepts():
    """Each page refuses a body over its own limit with its own explanation (core/uploads.py);
    the proxy lets through the largest of those (evidence sent with a tracker update) and refuses
    anything larger before it reaches the application."""
    largest = max(limit_for(view).resolved()[0] for view in _views(get_resolver().url_patterns))
    app = (stack.NGINX_DIR / "app.conf").read_text()

    limits = re.findall(r"^\s*client_max_body_size\s+(\w+);", app, re.M)

    assert largest == settings.S55_EVIDENCE_MAX_REQUEST_BYTES
    assert [_megabytes(limit) for limit in limits] == [largest]
