"""Request bodies are limited before the application reads them.

Django writes a file upload to memory or a temporary file as it arrives and checks its size only
afterwards, in the form; an attacker (or a mistaken drag of a whole folder) could make the server
store hundreds of megabytes before being told no. Three layers stop that:

1. The proxy in front of the application refuses bodies over the largest limit
   (`client_max_body_size`, deploy/nginx/app.conf).
2. `BodyLimitMiddleware`, before anything reads the body (it sits before the CSRF check, which
   reads the form): a body whose declared length is over the view's limit is refused with a 413
   page at once. Its bytes are read and thrown away in small pieces (never stored) so the
   browser, still sending, can show the page; past `DRAIN_MAX_BYTES` the connection is simply
   closed.
3. `LimitedUploadHandler`, first in the chain of upload handlers, counts the bytes it actually
   receives and stops the upload (`StopUpload`) the moment they pass the limit, whatever the
   request declared, before the next handler writes them to memory or disk.

Each view that takes files declares its limit with `@body_limit(bytes, message=...)`; every other
view has `settings.S55_REQUEST_MAX_BYTES`. The message says what to do, on a GOV.UK-style page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

#: A refused body is read and discarded up to this size so the browser gets the 413 page;
#: anything larger has its connection closed instead (the proxy refuses those before us).
DRAIN_MAX_BYTES = 1024 * 1024 * 1024
_DRAIN_CHUNK = 64 * 1024
_ATTRIBUTE = "s55_body_limit"
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Limit:
    max_bytes: int | Callable[[], int]
    message: str
    #: The most one file in the body may be, if less than the whole body.
    max_file_bytes: int | Callable[[], int] | None = None
    #: Renders the view's own page for the refusal, or None for the generic one:
    #: `refuse(request, message)`; the status is set to 413.
    refuse: Callable | None = None

    def resolved(self) -> tuple[int, int | None]:
        def value(limit):
            return limit() if callable(limit) else limit

        return int(value(self.max_bytes)), value(self.max_file_bytes)


DEFAULT_LIMIT = Limit(
    max_bytes=lambda: settings.S55_REQUEST_MAX_BYTES,
    message="Send less at a time: this page does not take files or text that large.",
)


def body_limit(
    max_bytes: int | Callable[[], int],
    *,
    message: str,
    max_file_bytes: int | Callable[[], int] | None = None,
    refuse: Callable | None = None,
):
    """View decorator: requests to this view may carry at most `max_bytes` (a number, or a
    function giving it, for limits that come from settings), and each file at most
    `max_file_bytes`. `message` tells the person what to do instead, e.g. "Each file can be up
    to 20 MB; upload them in smaller groups."; `refuse(request, message)` may render the
    view's own page (status 413) in place of the generic one."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        setattr(wrapped, _ATTRIBUTE, Limit(max_bytes, message, max_file_bytes, refuse))
        return wrapped

    return decorator


def limit_for(view) -> Limit:
    return getattr(view, _ATTRIBUTE, DEFAULT_LIMIT)


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload as soon as the bytes received pass `max_bytes`, so nothing beyond the
    limit reaches the handlers that keep files in memory or write them to disk."""

    def __init__(self, request, *, max_bytes: int, max_file_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_file_bytes = max_file_bytes
        self.received = 0
        self.too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 - Django's signature
        if content_length > self.max_bytes:
            self.too_big = True
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        file_too_big = self.max_file_bytes is not None and start + len(raw_data) > (
            self.max_file_bytes
        )
        if self.received > self.max_bytes or file_too_big:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _drain(request, declared: int) -> None:
    """Read the refused body and drop it, a piece at a time, so the browser reads our page
    instead of a reset connection. Very large bodies are not worth the wait: close instead."""
    if declared > DRAIN_MAX_BYTES:
        return
    stream = request._stream  # the body not yet read; reading `request.body` would keep it
    while stream.read(_DRAIN_CHUNK):
        pass


def too_large_page(request, *, limit: Limit, max_bytes: int):
    """The 413 page: the view's own if it has one, else a GOV.UK page saying what to do."""
    response = limit.refuse(request, limit.message) if limit.refuse is not None else None
    if response is None:
        response = render(
            request,
            "413.html",
            {"limit": filesizeformat(max_bytes), "message": limit.message, "back": request.path},
        )
    response.status_code = 413
    # No "Connection: close" here: it is the server's to set (WSGI forbids hop-by-hop headers
    # from the application, and the development server refuses them).
    return response


class BodyLimitMiddleware:
    """Refuses request bodies over the view's limit before anything reads them (see the module
    docstring). Must come before CsrfViewMiddleware, which reads the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in _METHODS_WITH_BODY:
            return None
        limit = limit_for(view_func)
        max_bytes, max_file_bytes = limit.resolved()
        declared = _declared_length(request)
        if declared > max_bytes:
            _drain(request, declared)
            return too_large_page(request, limit=limit, max_bytes=max_bytes)
        handler = LimitedUploadHandler(request, max_bytes=max_bytes, max_file_bytes=max_file_bytes)
        request.upload_handlers.insert(0, handler)
        try:
            request.POST  # noqa: B018 - parse the body now, with the limit in place
        except (RequestDataTooBig, TooManyFieldsSent):
            _drain(request, declared)  # refused before reading: the fields' bytes are unread
            return too_large_page(request, limit=limit, max_bytes=max_bytes)
        if handler.too_big:
            return too_large_page(request, limit=limit, max_bytes=max_bytes)
        return None
