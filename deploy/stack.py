"""The production shape on one machine without Docker, started from docker-compose.yml itself.

docker-compose.yml is the one source of the commands: `command()` reads a service's `command:`
and `environment()` its `environment:` (with Compose's `${NAME:-default}` filled in), so the
CI start-up (tests/deploy/test_production_shape.py) and bench/proxy_bench.py run what Compose
runs. Only addresses and paths differ, and only through the options and variables named here:
a service or a command that these functions do not know fails loudly instead of drifting.

`nginx_config()` fills deploy/nginx/section55.conf.template the way the nginx image's entrypoint
does (envsubst of the variables it is given) and wraps it in a main configuration like the
image's /etc/nginx/nginx.conf, with its own prefix, pid file and temporary folders.
"""

import os
import re
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
NGINX_DIR = REPO_ROOT / "deploy" / "nginx"
NGINX_TEMPLATE = NGINX_DIR / "section55.conf.template"

#: What the nginx template needs (docker-compose.yml sets each for the proxy service).
NGINX_VARIABLES = (
    "S55_SERVER_NAME",
    "S55_HTTP_LISTEN",
    "S55_HTTPS_LISTEN",
    "S55_REFRESH_LISTEN",
    "S55_UPSTREAM",
    "S55_TLS_CERTIFICATE",
    "S55_TLS_CERTIFICATE_KEY",
    "S55_ACME_ROOT",
    "S55_STATIC_ROOT",
    "S55_NGINX_CACHE_DIR",
    "S55_NGINX_CONF_DIR",
)

_COMPOSE_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
_TEMPLATE_VARIABLE = re.compile(r"\$\{(S55_\w+)\}")


class StackError(RuntimeError):
    """The stack could not be described or started as Compose describes it."""


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def command(service: str, *, options: Mapping[str, str] | None = None) -> list[str]:
    """The service's `command:` from docker-compose.yml, with the value of each `--name=value`
    option in `options` replaced (addresses and paths). An option the command does not have is
    an error: the two would have drifted apart."""
    argv = [str(part) for part in compose()["services"][service]["command"]]
    for name, value in (options or {}).items():
        positions = [i for i, part in enumerate(argv) if part.startswith(f"{name}=")]
        if len(positions) != 1:
            raise StackError(f"docker-compose.yml's {service} command has no single {name}=...")
        argv[positions[0]] = f"{name}={value}"
    return argv


def _substitute(value: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        given = values.get(name)
        if op == ":?" and not given:
            raise StackError(f"docker-compose.yml needs {name}: {arg}")
        if op == ":-" and not given:
            return arg
        return given or ""

    return _COMPOSE_VARIABLE.sub(replace, value)


def environment(
    service: str, values: Mapping[str, str], *, addresses: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The service's `environment:` with `${NAME}`, `${NAME:-default}` and `${NAME:?message}`
    filled from `values` (not from this process's environment, so a run is reproducible), and
    the variables in `addresses` (other services' addresses, paths) replaced; each of those
    must be one the service declares."""
    declared = compose()["services"][service].get("environment", {})
    unknown = set(addresses or {}) - set(declared)
    if unknown:
        raise StackError(f"docker-compose.yml's {service} does not set {sorted(unknown)}")
    filled = {name: _substitute(str(value), values) for name, value in declared.items()}
    return filled | dict(addresses or {})


def nginx_config(prefix: Path, values: Mapping[str, str], *, extra: str = "") -> Path:
    """Write prefix/nginx.conf (a main configuration like the nginx image's, including the
    filled-in template) and return its path. `values` must give every NGINX_VARIABLES name;
    `extra` is added to the http block (bench/proxy_bench.py's reference file server)."""
    missing = [name for name in NGINX_VARIABLES if not values.get(name)]
    if missing:
        raise StackError(f"nginx template variables not given: {', '.join(missing)}")
    template = NGINX_TEMPLATE.read_text(encoding="utf-8")
    unknown = set(_TEMPLATE_VARIABLE.findall(template)) - set(NGINX_VARIABLES)
    if unknown:
        raise StackError(f"the nginx template uses unknown variables: {sorted(unknown)}")
    site = _TEMPLATE_VARIABLE.sub(lambda m: values[m[1]], template)
    for folder in ("temp/body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi", "logs"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    (prefix / "section55.conf").write_text(site, encoding="utf-8")
    # Started as root (CI), nginx would run its workers as "nobody", who cannot enter the
    # private temporary folders these runs use; the production image keeps its own user.
    user = "user root;" if os.geteuid() == 0 else ""
    main = f"""{user}
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {prefix}/section55.conf;
{extra}
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


def nginx_argv(config: Path) -> list[str]:
    """docker-compose.yml's proxy command, pointed at a configuration and prefix of our own."""
    return [*command("proxy"), "-p", str(config.parent), "-c", str(config)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen | None = None, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise StackError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f} s")


class Processes:
    """Started processes by name, each logging to a file, stopped in reverse order."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], *, env: Mapping[str, str], cwd=REPO_ROOT):
        log = (self.log_dir / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(  # noqa: S603 - commands from docker-compose.yml
            argv, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        return self.running[name]

    def stop(self, name: str, timeout: float = 20.0) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def wait_for_port(self, name: str, port: int, timeout: float = 60.0) -> None:
        """Wait until the named process listens on the port; if it does not, say why."""
        try:
            wait_for_port(port, process=self.running[name], timeout=timeout)
        except StackError as error:
            raise StackError(f"{name}: {error}\n{self.log(name)[-3000:]}") from error

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""
