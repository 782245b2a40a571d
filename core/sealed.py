"""Secrets kept in the database (an identity provider's client secret), encrypted with a key
derived from SECRET_KEY (Fernet: AES-128-CBC with an HMAC). Rotating SECRET_KEY keeps old
values readable while the old key is in SECRET_KEY_FALLBACKS; save them again to re-encrypt.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_PURPOSE = b"section55.core.sealed:"


class UnsealError(Exception):
    """A sealed value that none of the keys opens (SECRET_KEY changed with no fallback)."""


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(_PURPOSE + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def seal(value: str) -> str:
    return _keys().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise UnsealError("The stored secret cannot be read with the current SECRET_KEY") from error
