"""Pages of the service's own: the page for a form refused by the CSRF check."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from . import i18n


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (usually an old page or a blocked cookie): a
    GOV.UK page in the person's language, saying what to do. The check runs before the
    language middleware has seen the view, so the language is set here by the same rules."""
    if not i18n.is_public_page(request):
        translation.activate(i18n.chosen_language(request) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
    return render(request, "403_csrf.html", status=403)
