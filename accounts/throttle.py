"""Login throttling with django-axes (see docs/decisions/0002-login-throttle.md).

Settings (config/settings.py): 5 failed sign-ins in 15 minutes for one username, or from one
address, lock signing in for that username or address for 15 minutes; a successful sign-in
clears the count. The lockout page is templates/accounts/locked_out.html (HTTP 429).
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, except for server-side calls without a request.

    `authenticate()` without a request comes from code on the server (the shell, a management
    command, the test client's `login()`), never from someone signing in over the web, so
    there is no remote guesser to throttle. Axes itself refuses such calls with an error.
    Every web sign-in (the sign-in page, the admin's) passes the request and is throttled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` reverse proxies the
    address the outermost trusted proxy saw (counting from the right of X-Forwarded-For, where
    the proxies append, so a client cannot spoof it by sending its own header)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
