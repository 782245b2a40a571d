"""Template context for every page: the navigation and the signed-in person's office."""

from django.urls import NoReverseMatch, reverse


def _link(text: str, url_name: str, path: str):
    try:
        href = reverse(url_name)
    except NoReverseMatch:
        return None
    current = path == href if href == "/" else path.startswith(href)
    return {"text": text, "href": href, "current": current}


#: (text, url name, who sees it: "staff" (signed in), "office" (OPCC staff) or "all")
NAVIGATION = [
    ("Dashboard", "responses:dashboard", "staff"),
    ("Reports", "inspections:report-list", "staff"),
    ("Import", "importer:start", "office"),
    ("Tracker", "tracking:item-list", "staff"),
    ("Reminders", "reminders:list", "office"),
    ("Published responses", "public:response-list", "all"),
    ("Statistics", "public:statistics", "all"),
    ("Open data", "public:open-data", "all"),
]

FOOTER = [
    ("Accessibility statement", "public:accessibility"),
    ("Open data", "public:open-data"),
    ("Health", "healthz"),
]


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    items = []
    for text, name, audience in NAVIGATION:
        if audience == "office" and getattr(request, "office", None) is None:
            continue
        if audience == "staff" and not signed_in:
            continue
        link = _link(text, name, request.path)
        if link:
            items.append(link)
    account = ("Sign out", "accounts:sign-out") if signed_in else ("Sign in", "accounts:sign-in")
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
    }
