import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Load every view, form and URL pattern now, then move all these long-lived objects out of the
# cyclic garbage collector's reach: each full collection in a web worker otherwise walks
# hundreds of thousands of objects that live as long as the process (7-20 ms a collection in
# the tracker list's profile at national scale; docs/benchmarks.md). Nothing is leaked: the
# frozen objects were never going to be freed.
import config.urls  # noqa: E402, F401 - imported for its side effect, before the freeze

gc.freeze()
