"""GET /healthz: 200 with both checks ok; 503 naming what is down."""

import pytest
from kombu import Connection

from config import health


@pytest.mark.django_db
def test_healthz_ok_with_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_the_broker_is_unreachable(client, monkeypatch):
    # A real connection attempt to a port where nothing listens, whatever broker is configured.
    monkeypatch.setattr(
        health.celery_app,
        "connection_for_write",
        lambda: Connection("redis://127.0.0.1:1/0", connect_timeout=1),
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_503_when_the_database_fails(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OSError("database unreachable")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OSError"


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
