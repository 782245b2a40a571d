"""A small OpenID Connect provider for this machine: `make run`'s demo organisation signs in
with it, and the single sign-on tests start it as a separate process.

It speaks the authorisation code flow as Entra ID and other providers do: discovery
(/.well-known/openid-configuration), /authorize (a page to choose a person, or straight back
when a test said who signs in), /token (client secret and PKCE S256 checked, each code used
once), /jwks (its public signing keys) and /logout (the end-session endpoint). ID tokens are
RS256 JWTs signed with joserfc.

With --test-controls it also answers POST /_control/<action> with a JSON body, so a test can
make it misbehave the way a broken or hostile provider might:

    clients      register a client: {"client_id", "client_secret", "redirect_uris": [...]}
    login-as     the person for the next authorisations: {"sub", "email", "name"} ({} to stop)
    misbehave    the next ID tokens: {"aud", "iss", "nonce", "expired": true,
                 "foreign_key": true (signed by a key it does not publish, under its own kid),
                 "hs256": true (HS256 with the client secret as the key)}
    rotate-key   a new signing key replaces the old one in /jwks
    reset        no misbehaviour, nobody logged in, counters at zero
    stats        (GET) how often /jwks and /token were asked for

    python scripts/local_oidc_provider.py --port 8010 --config responses/demo/identity_provider.json

Never for production: anyone who can reach it can sign in as any of its people.
"""

import argparse
import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

TOKEN_LIFETIME = 300
CODE_LIFETIME = 60


def _new_key() -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}
    )


class Provider:
    """The provider's state: its keys, clients, people, codes and what tests asked for."""

    def __init__(self, *, issuer: str, clients: list[dict], users: list[dict], controls: bool):
        self.issuer = issuer
        self.controls = controls
        self.lock = threading.Lock()
        self.key = _new_key()
        self.clients = {client["client_id"]: client for client in clients}
        self.users = users
        self.codes: dict[str, dict] = {}
        self.reset()

    def reset(self) -> None:
        self.login_as: dict | None = None
        self.misbehave: dict = {}
        self.stats = {"jwks": 0, "token": 0}

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "name", "iss", "aud", "exp", "iat", "nonce"],
        }

    def id_token(self, *, client_id: str, user: dict, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.misbehave.get("iss", self.issuer),
            "sub": user["sub"],
            "aud": self.misbehave.get("aud", client_id),
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "auth_time": now,
            "nonce": self.misbehave.get("nonce", nonce),
            "email": user["email"],
            "name": user.get("name", ""),
        }
        if self.misbehave.get("expired"):
            claims["iat"], claims["exp"] = now - 2 * TOKEN_LIFETIME, now - TOKEN_LIFETIME
        key = self.key
        if self.misbehave.get("foreign_key"):
            key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid})
        if self.misbehave.get("hs256"):
            # Algorithm confusion: signed with the client secret, which the client also knows.
            secret = OctKey.import_key(self.clients[client_id]["client_secret"])
            header = {"alg": "HS256", "kid": self.key.kid}
            return jwt.encode(header, claims, secret, algorithms=["HS256"])
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


class Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        sys.stderr.write("oidc-provider: " + (format % args) + "\n")

    # --- answering ----------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _html(self, status: int, title: str, body: str) -> None:
        page = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f"<body><main><h1>{title}</h1>{body}</main></body></html>"
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _redirect(self, url: str) -> None:
        self._send(302, b"", "text/plain", headers=[("Location", url)])

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or "{}")
        return {name: values[0] for name, values in parse_qs(raw).items()}

    # --- routes -------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802 - BaseHTTPRequestHandler's name
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        provider = self.provider
        if url.path == "/.well-known/openid-configuration":
            return self._json(200, provider.metadata())
        if url.path == "/jwks":
            with provider.lock:
                provider.stats["jwks"] += 1
                return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
        if url.path == "/authorize":
            return self._authorize(query, chosen_sub=None)
        if url.path == "/logout":
            return self._logout(query)
        if url.path == "/_control/stats" and provider.controls:
            return self._json(200, provider.stats)
        return self._json(404, {"error": "not_found"})

    def do_POST(self):  # noqa: N802
        url = urlsplit(self.path)
        form = self._form()
        if url.path == "/authorize":
            return self._authorize(form, chosen_sub=form.get("sub", ""))
        if url.path == "/token":
            return self._token(form)
        if url.path.startswith("/_control/") and self.provider.controls:
            return self._control(url.path.removeprefix("/_control/"), form)
        return self._json(404, {"error": "not_found"})

    def _authorize(self, params: dict, *, chosen_sub: str | None) -> None:
        provider = self.provider
        client = provider.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or redirect_uri not in client["redirect_uris"]:
            return self._html(
                400, "Unknown application", "<p>The client or redirect URI is not registered.</p>"
            )
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return self._redirect_error(redirect_uri, params, "unsupported_response_type")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return self._redirect_error(redirect_uri, params, "invalid_request")
        user = provider.login_as
        if user is None and chosen_sub:
            user = next((u for u in provider.users if u["sub"] == chosen_sub), None)
        if user is None:
            return self._choose_person(params)
        code = secrets.token_urlsafe(24)
        with provider.lock:
            provider.codes[code] = {
                "client_id": client["client_id"],
                "redirect_uri": redirect_uri,
                "code_challenge": params["code_challenge"],
                "nonce": params.get("nonce", ""),
                "user": user,
                "expires": time.time() + CODE_LIFETIME,
            }
        query = {"code": code, "state": params.get("state", ""), "iss": provider.issuer}
        return self._redirect(f"{redirect_uri}?{urlencode(query)}")

    def _redirect_error(self, redirect_uri: str, params: dict, error: str) -> None:
        query = {"error": error, "state": params.get("state", "")}
        return self._redirect(f"{redirect_uri}?{urlencode(query)}")

    def _choose_person(self, params: dict) -> None:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in params.items()
            if name != "sub"
        )
        choices = "".join(
            f'<p><input type="radio" name="sub" id="sub-{i}" value="{html.escape(u["sub"])}"'
            f'{" checked" if i == 0 else ""}> <label for="sub-{i}">{html.escape(u["name"])} '
            f"({html.escape(u['email'])})</label></p>"
            for i, u in enumerate(self.provider.users)
        )
        body = (
            "<p>This is the local identity provider for trying single sign-on. Choose who "
            'signs in.</p><form method="post" action="/authorize"><fieldset>'
            f"<legend>Who are you?</legend>{choices}</fieldset>{hidden}"
            '<button type="submit">Continue</button></form>'
        )
        return self._html(200, "Demo identity provider", body)

    def _token(self, form: dict) -> None:
        provider = self.provider
        with provider.lock:
            provider.stats["token"] += 1
            grant = provider.codes.pop(form.get("code", ""), None)
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        authorization = self.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        client = provider.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["client_secret"], client_secret):
            return self._json(401, {"error": "invalid_client"})
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["expires"] < time.time()
            or grant["client_id"] != client_id
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return self._json(400, {"error": "invalid_grant"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not secrets.compare_digest(challenge, grant["code_challenge"]):
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        with provider.lock:
            id_token = provider.id_token(
                client_id=client_id, user=grant["user"], nonce=grant["nonce"]
            )
        return self._json(
            200,
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "id_token": id_token,
            },
        )

    def _logout(self, query: dict) -> None:
        target = query.get("post_logout_redirect_uri", "")
        client = self.provider.clients.get(query.get("client_id", ""))
        allowed = client is not None and target in client.get("post_logout_redirect_uris", [])
        if allowed:
            return self._redirect(target)
        return self._html(200, "Signed out", "<p>You have signed out of the identity provider.</p>")

    def _control(self, action: str, data: dict) -> None:
        provider = self.provider
        with provider.lock:
            if action == "clients":
                data.setdefault("post_logout_redirect_uris", [])
                provider.clients[data["client_id"]] = data
            elif action == "login-as":
                provider.login_as = data or None
            elif action == "misbehave":
                provider.misbehave = data
            elif action == "rotate-key":
                provider.key = _new_key()
            elif action == "reset":
                provider.reset()
            else:
                return self._json(404, {"error": "unknown control"})
            return self._json(200, {"ok": True, "kid": provider.key.kid})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010, help="0: any free port")
    parser.add_argument("--config", help="JSON with 'clients' and 'users'")
    parser.add_argument("--test-controls", action="store_true", help="answer /_control/...")
    args = parser.parse_args(argv)

    config = {"clients": [], "users": []}
    if args.config:
        with open(args.config) as file:
            config = json.load(file)

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    issuer = f"http://{args.host}:{server.server_address[1]}"
    Handler.provider = Provider(
        issuer=issuer,
        clients=config.get("clients", []),
        users=config.get("users", []),
        controls=args.test_controls,
    )
    # The line a test (or scripts/run.sh) waits for before using the provider.
    print(f"oidc-provider ready at {issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
