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

In front of Django, a shared cache (the proxy, deploy/nginx/) keeps the public answers as files
and serves them without asking Django, at the speed of static files, and while the application
is down: `shared_cache_headers` says how long (docs/decisions/0004-reverse-proxy-and-public-cache.md).
A publication, amendment, correction or progress change refreshes the proxy's copies of the
pages it alters at once (public.tasks.proxy_refresh); the age limits only bound the pages no
refresh names, such as a filtered list or an API query.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_cache_control, patch_vary_headers

#: How long a rendered page is kept (invalidation is by key; this only bounds memory).
PAGE_TIMEOUT = 60 * 60 * 24
#: Seconds a browser may reuse a public page without asking again.
BROWSER_MAX_AGE = 60
#: Seconds a shared cache (the proxy) may serve its copy without asking Django.
SHARED_MAX_AGE = 5 * 60
#: After that, seconds it may still serve the copy while it fetches a new one in the background.
STALE_WHILE_REVALIDATE = 60
#: Seconds it may serve its copy, however old, while Django is down or failing.
STALE_IF_ERROR = 30 * 24 * 60 * 60
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


def shared_cache_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Public answers may be kept by browsers and shared caches (with their ETag and
    Last-Modified for revalidation); an answer made for a session, or carrying a message, is
    private and never kept by a shared cache."""
    # A 410 (a withdrawn version, with its public note) is kept like a page, so the proxy's
    # refresh replaces its copy of what was withdrawn (public.services.proxy_gone_paths).
    if is_cacheable(request) and response.status_code in (200, 304, 410):
        patch_cache_control(
            response,
            public=True,
            max_age=BROWSER_MAX_AGE,
            s_maxage=SHARED_MAX_AGE,
            stale_while_revalidate=STALE_WHILE_REVALIDATE,
            stale_if_error=STALE_IF_ERROR,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def shared_cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`shared_cache_headers` on every answer of the view, including "304 Not Modified"
    (a cache revalidating its copy keeps it for as long as the 304 says)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return shared_cache_headers(request, view(request, *args, **kwargs))

    return wrapped


def cached_page(
    request: HttpRequest, *, stamp: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from the cache when its stamp is unchanged, else `render()` (stored if 200)."""
    if not is_cacheable(request):
        return shared_cache_headers(request, render())
    key = _key(request, stamp)
    nonce = get_nonce(request)
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        if nonce is not None and NONCE_PLACEHOLDER in content:
            content = content.replace(NONCE_PLACEHOLDER, str(nonce))
        response = HttpResponse(content, content_type=content_type)
        response[CACHE_HEADER] = "hit"
        return shared_cache_headers(request, response)
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200 and not response.streaming:
        content = response.content.decode(response.charset)
        if nonce:  # a LazyNonce is truthy only once the page used it
            content = content.replace(str(nonce), NONCE_PLACEHOLDER)
        cache.set(key, (content, response["Content-Type"]), PAGE_TIMEOUT)
        response[CACHE_HEADER] = "miss"
    return shared_cache_headers(request, response)
