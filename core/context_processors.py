"""Template context for every page: the navigation, the signed-in person's office, and the
page's language with the links to the same page in the other language (core/i18n.py)."""

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import i18n


def _link(text: str, url_name: str, path: str):
    try:
        href = reverse(url_name)
    except NoReverseMatch:
        return None
    current = path == href if href == "/" else path.startswith(href)
    return {"text": text, "href": href, "current": current}


#: (text, url name, who sees it: "staff" (signed in), "member" (signed in, in an office or a
#: force, or the register maintainer: not national read-only staff alone, who have none of
#: these pages), "office" (OPCC staff), "register" (OPCC staff and the register maintainer)
#: or "all")
NAVIGATION = [
    (_("Dashboard"), "responses:dashboard", "staff"),
    (_("Reports"), "inspections:report-list", "member"),
    (_("Import"), "importer:start", "office"),
    (_("Tracker"), "tracking:item-list", "member"),
    (_("Reminders"), "reminders:list", "office"),
    (_("Corrections"), "corrections:list", "register"),
    (_("Published responses"), "public:response-list", "all"),
    (_("Statistics"), "public:statistics", "all"),
    (_("Open data"), "public:open-data", "all"),
]

FOOTER = [
    (_("Accessibility statement"), "public:accessibility"),
    (_("Accessibility of the staff pages"), "public:accessibility-staff"),
    (_("Open data"), "public:open-data"),
    (_("Health"), "healthz"),
]


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    items = []
    for text, name, audience in NAVIGATION:
        if audience == "office" and getattr(request, "office", None) is None:
            continue
        if audience == "register" and not (
            getattr(request, "office", None) is not None
            or getattr(request, "register_maintainer", False)
        ):
            continue
        if audience in ("staff", "member") and not signed_in:
            continue
        if (
            audience == "member"
            and getattr(request, "national_viewer", False)
            and getattr(request, "office", None) is None
            and getattr(request, "force", None) is None
            and not getattr(request, "register_maintainer", False)
        ):
            continue
        link = _link(text, name, request.path)
        if link:
            items.append(link)
    account = (
        (_("Sign out"), "accounts:sign-out") if signed_in else (_("Sign in"), "accounts:sign-in")
    )
    link = _link(*account, request.path)
    if link:
        # Signing out is a POST (a button in a form): header.html draws it that way.
        link["post"] = signed_in
        items.append(link)
    footer = [link for text, name in FOOTER if (link := _link(text, name, request.path))]
    return {
        "nav_items": items,
        "footer_links": footer,
        "current_office": getattr(request, "office", None),
        "html_lang": i18n.html_lang(translation.get_language()),
        "content_lang": i18n.content_lang_attribute(),
        "language_links": i18n.language_links(request),
        "language_alternates": i18n.language_alternates(request),
    }
