"""A real OpenID Connect provider for the single sign-on tests: scripts/local_oidc_provider.py
run as a separate process on 127.0.0.1 (any free port), with its test controls on, so a test
can make it sign with another key, name another audience, send an expired token or rotate its
keys. One provider per test process; each test starts it from a clean state.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.core.cache import cache

from accounts import oidc
from accounts.models import IdentityProvider
from accounts.services import identity_provider_save

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "local_oidc_provider.py"
DEMO_CONFIG = REPO_ROOT / "responses" / "demo" / "identity_provider.json"
CLIENT_ID = "section55-tests"
CLIENT_SECRET = "a-secret-only-the-tests-know"


class RunningProvider:
    def __init__(self, process: subprocess.Popen, issuer: str):
        self.process = process
        self.issuer = issuer

    def control(self, action: str, data: dict | None = None) -> dict:
        response = requests.post(f"{self.issuer}/_control/{action}", json=data or {}, timeout=5)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict:
        return requests.get(f"{self.issuer}/_control/stats", timeout=5).json()

    def register_client(self, *, base_url: str) -> None:
        self.control(
            "clients",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{base_url}/accounts/sso/callback/"],
                "post_logout_redirect_uris": [f"{base_url}/"],
            },
        )

    def login_as(self, sub: str, email: str, name: str = "Pat Person") -> None:
        self.control("login-as", {"sub": sub, "email": email, "name": name})


@pytest.fixture(scope="session")
def oidc_process() -> Iterator[RunningProvider]:
    process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [
            sys.executable,
            str(SCRIPT),
            "--port",
            "0",
            "--test-controls",
            "--config",
            str(DEMO_CONFIG),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("oidc-provider ready at "), f"the provider did not start: {line!r}"
        yield RunningProvider(process, line.split(" at ", 1)[1].strip())
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_provider(oidc_process: RunningProvider) -> RunningProvider:
    """The provider, reset, with the test client's redirect URI registered."""
    oidc_process.control("reset")
    oidc_process.register_client(base_url="http://testserver")
    return oidc_process


def wire_provider(body, *, issuer: str, acting_user):
    """`body`'s office signs in with the provider at `issuer` (the tests' client and secret),
    with nothing cached about it from an earlier provider on the same port."""
    for kind in ("metadata", "jwks"):
        cache.delete(oidc._cache_key(kind, issuer))
    return identity_provider_save(
        provider=IdentityProvider(
            policing_body=body,
            name="Norfolk OPCC accounts",
            issuer=issuer,
            client_id=CLIENT_ID,
            allowed_email_domains="norfolk-opcc.example",
        ),
        acting_user=acting_user,
        client_secret=CLIENT_SECRET,
        reason="Test",
    )
