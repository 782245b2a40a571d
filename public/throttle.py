"""Rate limits on the email sign-up form (public/subscription_views.py).

The same pieces as the rest of the product, not a new mechanism: the client's address is
`accounts.throttle.client_ip` (the rule the sign-in throttle uses, trusting only
`S55_NUM_PROXIES` proxies), and the counting is Django REST framework's `SimpleRateThrottle`
(the open data API's throttle): a sliding window of request times in the shared cache. The
sign-in throttle's django-axes is not used here: it counts failed sign-ins and keeps the
username (here it would be the address) in its tables, which the subscription rules forbid.
docs/decisions/0015-public-email-subscriptions.md.

Two limits, each counted only when the attempt is let through:
- per client address (`S55_SUBSCRIBE_RATE_PER_CLIENT`, every sign-up POST): one machine cannot
  send confirmation emails to a list of addresses;
- per email address (`S55_SUBSCRIBE_RATE_PER_ADDRESS`, every valid sign-up, all bodies
  together): nobody's inbox is filled with confirmation emails. The cache key is an HMAC of the
  address (`subscriptions.address_key`), never the address.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.throttle import client_ip

from .subscriptions import address_key


class _Limit(SimpleRateThrottle):
    """DRF's sliding-window throttle for one identity at one rate ("10/hour")."""

    def __init__(self, *, scope: str, rate: str, ident: str):
        self.scope = scope
        self.rate = rate
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _wait(limit: _Limit) -> int | None:
    """None when the attempt is allowed (and counted); else the seconds until it would be."""
    if limit.allow_request(None, None):
        return None
    return max(1, int(limit.wait() or 1))


def client_wait(request) -> int | None:
    """Count one sign-up from this request's client; seconds to wait if over the limit."""
    return _wait(
        _Limit(
            scope="subscribe-client",
            rate=settings.S55_SUBSCRIBE_RATE_PER_CLIENT,
            ident=client_ip(request) or "unknown",
        )
    )


def address_wait(email: str) -> int | None:
    """Count one sign-up for this address; seconds to wait if over the limit."""
    return _wait(
        _Limit(
            scope="subscribe-address",
            rate=settings.S55_SUBSCRIBE_RATE_PER_ADDRESS,
            ident=address_key(email),
        )
    )
