"""The relying party of OpenID Connect sign-in (docs/decisions/0006-openid-connect.md).

One organisation's provider is an `IdentityProvider` row. Signing in is the authorisation code
flow with PKCE (S256), a `state` and a `nonce`:

1. `authorization_request` makes a fresh state, nonce and code verifier, and the provider's
   authorisation URL. The caller keeps the returned `Pending` in the session, under its state.
2. The provider sends the person back with `code` and `state`. The caller takes the pending
   request for that state out of the session (so a state works once: a replay finds nothing),
   and `complete` exchanges the code (with the client secret and the verifier: Authlib's
   OAuth2Session) and checks the ID token (`validate_id_token`).

The ID token must be signed (RS256/PS256/ES256, never "none" or a shared-secret algorithm) by a
key in the provider's JWKS, name the provider as `iss` and our client id in `aud` (and `azp` if
there are several audiences), be unexpired (`exp`, `iat`, a minute's leeway for clocks) and
carry the nonce of this request. Discovery documents and JWKS are cached; a token whose key id
is not in the cached JWKS makes one fresh fetch (the provider rotated its keys) before it is
refused.
"""

import base64
import hashlib
import logging
import os
import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.core.cache import cache
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from core.errors import DomainError
from core.sealed import UnsealError, unseal

from .models import IdentityProvider

logger = logging.getLogger(__name__)

SCOPES = "openid email profile"
ALGORITHMS = ["RS256", "PS256", "ES256"]
HTTP_TIMEOUT = 10
METADATA_TTL = 60 * 60
JWKS_TTL = 60 * 60 * 24
#: How long a person has between leaving for the provider and coming back.
PENDING_TTL = 15 * 60
CLOCK_LEEWAY = 60


class SignInError(DomainError):
    """Signing in through a provider failed; the message says what a person can do."""


@dataclass
class Pending:
    """What we remember, in the session, between sending someone to the provider and their
    return: which provider, the state, the nonce, the PKCE verifier and where they were going."""

    provider_id: int
    state: str
    nonce: str
    code_verifier: str
    next_url: str
    started: float

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict) -> "Pending":
        return cls(**data)

    @property
    def expired(self) -> bool:
        return time.time() - self.started > PENDING_TTL


def client_secret(provider: IdentityProvider) -> str:
    """The client secret, from the named environment variable or the sealed column."""
    if provider.client_secret_env:
        value = os.environ.get(provider.client_secret_env, "")
        if not value:
            raise SignInError(
                _(
                    "Single sign-on for %(name)s is not set up completely (its client secret is missing). Sign in with your password, or tell the service administrator."
                )
                % {"name": provider.name}
            )
        return value
    if not provider.client_secret_sealed:
        return ""
    try:
        return unseal(provider.client_secret_sealed)
    except UnsealError as error:
        raise SignInError(
            _(
                "Single sign-on for %(name)s cannot be used at the moment. Tell the service administrator (the stored client secret needs entering again)."
            )
            % {"name": provider.name}
        ) from error


def _cache_key(kind: str, issuer: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(issuer.encode()).hexdigest()}"


def _get_json(url: str, *, what: str, provider: IdentityProvider) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OIDC %s for %s at %s failed: %s", what, provider.name, url, error)
        raise SignInError(
            _(
                "%(name)s's sign-in service did not answer. Try again in a few minutes, or sign in with your password if your organisation allows it."
            )
            % {"name": provider.name}
        ) from error


def provider_metadata(provider: IdentityProvider) -> dict:
    """The provider's discovery document, cached for an hour. Its `issuer` must be exactly the
    configured one (OpenID Connect Discovery 1.0, section 4.3)."""
    key = _cache_key("metadata", provider.issuer)
    metadata = cache.get(key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        metadata = _get_json(url, what="discovery", provider=provider)
        if metadata.get("issuer") != provider.issuer:
            logger.warning(
                "OIDC discovery for %s names issuer %r, not %r",
                provider.name,
                metadata.get("issuer"),
                provider.issuer,
            )
            raise SignInError(
                _(
                    "%(name)s's sign-in service is not set up as expected. Tell the service administrator."
                )
                % {"name": provider.name}
            )
        cache.set(key, metadata, METADATA_TTL)
    return metadata


def provider_keys(provider: IdentityProvider, *, refresh: bool = False) -> KeySet:
    """The provider's public signing keys (JWKS), cached for a day unless `refresh`."""
    key = _cache_key("jwks", provider.issuer)
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(provider_metadata(provider)["jwks_uri"], what="JWKS", provider=provider)
        cache.set(key, jwks, JWKS_TTL)
    return KeySet.import_key_set(jwks)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins(providers) -> list[str]:
    """The origins a sign-in form may send people to: each provider's issuer and, if its
    discovery document is cached, its authorisation endpoint (no request is made here)."""
    origins = []
    for provider in providers:
        urls = [provider.issuer]
        metadata = cache.get(_cache_key("metadata", provider.issuer))
        if metadata and metadata.get("authorization_endpoint"):
            urls.append(metadata["authorization_endpoint"])
        origins.extend(_origin(url) for url in urls if _origin(url) not in origins)
    return sorted(set(origins))


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_request(
    provider: IdentityProvider, *, redirect_uri: str, next_url: str = "", login_hint: str = ""
) -> tuple[str, Pending]:
    """The URL to send the person to, and what to remember until they come back."""
    metadata = provider_metadata(provider)
    pending = Pending(
        provider_id=provider.pk,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        next_url=next_url,
        started=time.time(),
    )
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": _pkce_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    separator = "&" if "?" in metadata["authorization_endpoint"] else "?"
    return f"{metadata['authorization_endpoint']}{separator}{urlencode(params)}", pending


def complete(provider: IdentityProvider, *, pending: Pending, code: str, redirect_uri: str) -> dict:
    """Exchange the code for tokens and return the checked ID token's claims."""
    metadata = provider_metadata(provider)
    session = OAuth2Session(
        client_id=provider.client_id,
        client_secret=client_secret(provider),
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
    )
    try:
        token = session.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=HTTP_TIMEOUT,
        )
    except Exception as error:  # Authlib raises OAuthError, requests its own errors
        logger.warning("OIDC token exchange with %s failed: %s", provider.name, error)
        raise SignInError(
            _("%(name)s did not confirm your sign-in. Try signing in again.")
            % {"name": provider.name}
        ) from error
    id_token = token.get("id_token")
    if not id_token:
        raise SignInError(
            _("%(name)s did not confirm who you are. Try signing in again.")
            % {"name": provider.name}
        )
    return validate_id_token(provider, id_token, nonce=pending.nonce)


def validate_id_token(provider: IdentityProvider, id_token: str, *, nonce: str) -> dict:
    """The claims of `id_token` once every check in this module's docstring has passed."""
    try:
        try:
            decoded = jwt.decode(id_token, provider_keys(provider), algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            # A key id we have not seen: the provider may have rotated its keys. Fetch once more.
            decoded = jwt.decode(
                id_token, provider_keys(provider, refresh=True), algorithms=ALGORITHMS
            )
        claims = decoded.claims
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": provider.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != provider.client_id:
            raise SignInError(_("The ID token was issued to another application as well."))
    except JoseError as error:
        logger.warning("OIDC ID token from %s refused: %s", provider.name, error)
        raise SignInError(
            _(
                "Your sign-in with %(name)s could not be checked, so it was refused. Try signing in again; if it keeps happening, tell the service administrator."
            )
            % {"name": provider.name}
        ) from error
    return claims


def end_session_url(provider: IdentityProvider, *, post_logout_redirect_uri: str) -> str:
    """The provider's end-session URL (RP-Initiated Logout 1.0), or "" if it has none."""
    try:
        endpoint = provider_metadata(provider).get("end_session_endpoint", "")
    except SignInError:
        return ""
    if not endpoint:
        return ""
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
