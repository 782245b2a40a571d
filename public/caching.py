"""Caching of whole public pages, invalidated by key.

A cached page's key includes a stamp that changes whenever what the page shows changes (for the
lists, the newest `PublishedResponse.refreshed_at`; for a response page, its record, its frozen
files and `progress_changed_at`, moved on by the tracker), so publishing an amendment or a public
progress update makes every affected page miss at once, in every process, whatever the cache
backend; stale entries simply expire.

Only requests without a session or messages cookie are served from or stored in the cache: a
signed-in person sees staff navigation, and a pending message must not be swallowed. The CSP
nonce of the request that rendered a page is swapped for a placeholder before storing and for
the current request's nonce when serving, so the page's inline script keeps working.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_cache_control, patch_vary_headers

#: How long a rendered page is kept (invalidation is by key; this only bounds memory).
PAGE_TIMEOUT = 60 * 60 * 24
NONCE_PLACEHOLDER = "__s55-csp-nonce__"
CACHE_HEADER = "X-Public-Cache"


def is_cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest, stamp: str) -> str:
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    raw = f"{stamp}|{request.path}?{query}"
    return "public:page:" + hashlib.sha256(raw.encode()).hexdigest()


def revalidate(response: HttpResponse) -> HttpResponse:
    """Browsers and proxies may keep public pages but must check them (ETag / Last-Modified)
    before reuse, so an amendment is seen at once; they differ for signed-in staff."""
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def cached_page(
    request: HttpRequest, *, stamp: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from the cache when its stamp is unchanged, else `render()` (stored if 200)."""
    if not is_cacheable(request):
        return revalidate(render())
    key = _key(request, stamp)
    nonce = get_nonce(request)
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        if nonce is not None and NONCE_PLACEHOLDER in content:
            content = content.replace(NONCE_PLACEHOLDER, str(nonce))
        response = HttpResponse(content, content_type=content_type)
        response[CACHE_HEADER] = "hit"
        return revalidate(response)
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200 and not response.streaming:
        content = response.content.decode(response.charset)
        if nonce:  # a LazyNonce is truthy only once the page used it
            content = content.replace(str(nonce), NONCE_PLACEHOLDER)
        cache.set(key, (content, response["Content-Type"]), PAGE_TIMEOUT)
        response[CACHE_HEADER] = "miss"
    return revalidate(response)
