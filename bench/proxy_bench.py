"""Benchmark: a public response page through the proxy against nginx serving the same bytes
from a file, side by side in one run; then every published page with gunicorn stopped.

    .venv/bin/python -m bench.proxy_bench [--duration 10] [--concurrency 8]

Needs nginx and ab (Debian: nginx, apache2-utils). Everything runs on loopback in a throwaway
folder: SQLite with the demo data (`manage.py load_demo`), gunicorn and nginx started from
docker-compose.yml's commands by deploy/stack.py, with DJANGO_PRODUCTION=1. Measured over plain
HTTP (TLS costs both sides the same and is not what is compared): the proxy's locations
(deploy/nginx/app.conf) in a server on one port, and a server returning the page's bytes from a
file on another. `ab -k -c 8 -t 10` on each, then on gunicorn directly, and the load average
before each run. Targets (issue "The production shape, proven"): the proxy at least 50% of the
requests/s of the file, p95 under 10 ms at 8 clients, and every published response page served
with gunicorn stopped. Results are recorded in docs/benchmarks.md.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from deploy import stack


def _get(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def _ab(url: str, *, duration: int, concurrency: int) -> dict:
    load = os.getloadavg()[0]
    done = subprocess.run(  # noqa: S603
        ["ab", "-k", "-q", "-c", str(concurrency), "-t", str(duration), "-n", "100000000", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    return {
        "load": load,
        "rps": float(re.search(r"Requests per second:\s+([\d.]+)", out)[1]),
        "p50": int(re.search(r"^\s+50%\s+(\d+)", out, re.M)[1]),
        "p95": int(re.search(r"^\s+95%\s+(\d+)", out, re.M)[1]),
        "p99": int(re.search(r"^\s+99%\s+(\d+)", out, re.M)[1]),
        "failed": int(re.search(r"Failed requests:\s+(\d+)", out)[1]),
        "non2xx": int(m[1]) if (m := re.search(r"Non-2xx responses:\s+(\d+)", out)) else 0,
        "bytes": int(re.search(r"Document Length:\s+(\d+)", out)[1]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    for program in ("nginx", "ab"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is not installed (Debian: nginx, apache2-utils)")

    root = Path(tempfile.mkdtemp(prefix="s55-proxy-bench-"))
    ports = {name: stack.free_port() for name in ("web", "https", "refresh", "proxy", "file")}
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "S55_VAR_DIR": str(root / "var"),
        "S55_STATIC_ROOT": str(root / "static"),
    } | stack.environment(
        "web",
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            # Plain HTTP on loopback (see the docstring): no redirect to HTTPS.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "S55_SITE_URL": f"http://localhost:{ports['proxy']}",
        },
        addresses={
            "DATABASE_URL": "",  # SQLite under S55_VAR_DIR
            "CELERY_BROKER_URL": "filesystem://",
            "REDIS_URL": "",
            "S55_PROXY_REFRESH_URL": "",
        },
    )
    processes = stack.Processes(root)
    try:
        for step in (
            stack.command("migrate"),
            ["python", "manage.py", "collectstatic", "--noinput"],
            ["python", "manage.py", "load_demo", "--password", secrets.token_urlsafe(12)],
        ):
            subprocess.run(step, cwd=stack.REPO_ROOT, env=env, check=True, capture_output=True)  # noqa: S603

        processes.start(
            "web", stack.command("web", options={"--bind": f"127.0.0.1:{ports['web']}"}), env=env
        )
        (root / "file").mkdir()
        values = {
            "S55_SERVER_NAME": "localhost",
            "S55_HTTP_LISTEN": f"127.0.0.1:{stack.free_port()}",
            "S55_HTTPS_LISTEN": f"127.0.0.1:{ports['https']}",
            "S55_REFRESH_LISTEN": f"127.0.0.1:{ports['refresh']}",
            "S55_UPSTREAM": f"127.0.0.1:{ports['web']}",
            "S55_ACME_ROOT": str(root / "acme"),
            "S55_STATIC_ROOT": str(root / "static"),
            "S55_NGINX_CACHE_DIR": str(root / "proxy-cache"),
            "S55_NGINX_CONF_DIR": str(stack.NGINX_DIR),
        }
        cert, key = root / "cert.pem", root / "key.pem"
        subprocess.run(  # noqa: S603
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
             "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        values |= {"S55_TLS_CERTIFICATE": str(cert), "S55_TLS_CERTIFICATE_KEY": str(key)}
        extra = f"""
    server {{  # the proxy's site, over plain HTTP
        listen 127.0.0.1:{ports["proxy"]};
        set $s55_refresh 0;
        set $s55_static_root {root / "static"};
        include {stack.NGINX_DIR}/security-headers.conf;
        include {stack.NGINX_DIR}/app.conf;
    }}
    server {{  # the reference: the same bytes from a file
        listen 127.0.0.1:{ports["file"]};
        root {root / "file"};
        default_type "text/html; charset=utf-8";
        include {stack.NGINX_DIR}/security-headers.conf;
    }}"""
        config = stack.nginx_config(root / "nginx", values, extra=extra)
        processes.start("proxy", stack.nginx_argv(config), env=env)
        processes.wait_for_port("proxy", ports["proxy"])
        processes.wait_for_port("web", ports["web"], timeout=120)

        status, _headers, body = _get(ports["web"], "/api/responses/?page_size=200")
        if status != 200:
            sys.exit(f"the API answered {status}")
        ids = [record["id"] for record in json.loads(body)["results"]]
        # The largest published page (the demo's Norfolk CDI 2019 response).
        sizes = {
            response_id: len(_get(ports["proxy"], f"/published/{response_id}/")[2])
            for response_id in ids
        }
        page = f"/published/{max(sizes, key=sizes.get)}/"
        for _ in range(3):  # into the proxy's cache
            status, headers, cached = _get(ports["proxy"], page)
        if status != 200 or headers.get("X-Cache-Status") != "HIT":
            sys.exit(f"the page was not cached by the proxy: {status} {headers}")
        (root / "file" / "page.html").write_bytes(cached)

        print(f"Page {page}: {len(cached):,} bytes; ab -k -c {args.concurrency} -t {args.duration}")
        runs = {
            "proxy (cached page)": _ab(
                f"http://127.0.0.1:{ports['proxy']}{page}",
                duration=args.duration,
                concurrency=args.concurrency,
            ),
            "nginx, same bytes from a file": _ab(
                f"http://127.0.0.1:{ports['file']}/page.html",
                duration=args.duration,
                concurrency=args.concurrency,
            ),
            "gunicorn directly (3 workers)": _ab(
                f"http://127.0.0.1:{ports['web']}{page}",
                duration=args.duration,
                concurrency=args.concurrency,
            ),
        }
        print(f"{'':32} {'load':>5} {'req/s':>9} {'p50':>4} {'p95':>4} {'p99':>4} failed")
        for name, run in runs.items():
            print(
                f"{name:32} {run['load']:5.2f} {run['rps']:9.0f} {run['p50']:4d} {run['p95']:4d}"
                f" {run['p99']:4d} {run['failed'] + run['non2xx']}"
            )
        proxy, file = runs["proxy (cached page)"], runs["nginx, same bytes from a file"]
        ratio = proxy["rps"] / file["rps"]
        print(f"proxy / file: {ratio:.0%} (target at least 50%); proxy p95 {proxy['p95']} ms "
              "(target under 10 ms)")  # fmt: skip

        # Every published page into the cache, then gunicorn stops.
        for response_id in ids:
            _get(ports["proxy"], f"/published/{response_id}/")
        processes.stop("web")
        served = [
            response_id
            for response_id in ids
            if _get(ports["proxy"], f"/published/{response_id}/")[0] == 200
        ]
        print(f"gunicorn stopped: {len(served)} of {len(ids)} published response pages served")
        met = (
            ratio >= 0.5
            and proxy["p95"] < 10
            and len(served) == len(ids)
            and proxy["failed"] + proxy["non2xx"] == 0
        )
        print("targets met" if met else "targets NOT met")
        return 0 if met else 1
    finally:
        processes.stop_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
