"""Welsh and English on equal terms: which language a page is in, and the links between them.

The rules, in one place:

- The public site (the `public` namespace, under `i18n_patterns` in config/urls.py) carries its
  language in the address: /cy/... is Welsh, an address without a prefix is English. The address
  alone decides, so the Django page cache and the reverse proxy, which key on the address, never
  serve one language's copy for the other.
- Every other page (staff pages, sign-in) is in the language the signed-in person chose
  (`User.language`), else the one this browser chose (the language cookie), else English.
- The switcher on every page (`language_links`) goes through `accounts:language`, which
  remembers the choice (on the person and in the cookie) and returns to the same page in the
  other language (`django.urls.translate_url`).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

PUBLIC_NAMESPACE = "public"


def html_lang(code: str) -> str:
    """The BCP 47 tag for `lang` and `hreflang`: "en-GB", "cy"."""
    return translation.to_locale(code).replace("_", "-")


#: The language of what people wrote (reports, responses, progress updates): English until
#: publications carry their own language (issue point 2, docs/i18n.md).
CONTENT_LANGUAGE = "en-gb"


def content_lang_attribute() -> str:
    """` lang="en-GB"` for an element holding people's text on a page in another language, so
    screen readers pronounce it as English; empty on an English page."""
    if translation.get_language() == CONTENT_LANGUAGE:
        return ""
    return format_html(' lang="{}"', html_lang(CONTENT_LANGUAGE))


def in_language(english: str, welsh: str = "") -> str:
    """Reference data kept in both languages (a force's `name_cy`, a body's `holder_title_cy`):
    the Welsh form on a Welsh page when there is one, else the English as written."""
    if welsh and (translation.get_language() or "").startswith("cy"):
        return welsh
    return english


class TextForPage:
    """A text the public reads in Welsh and English (a bilingual body's, docs/i18n.md), as a
    page in the active language shows it: `text`, and `lang_attr`, ` lang="..."` when the text
    is in the other language (empty when it is in the page's own)."""

    __slots__ = ("lang", "text")

    def __init__(self, text: str, lang: str = ""):
        self.text = text
        self.lang = lang

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text

    @property
    def lang_attr(self) -> str:
        return format_html(' lang="{}"', self.lang) if self.lang else ""

    @property
    def html(self) -> SafeString:
        """The text for a sentence of the page (`{% blocktranslate with name=x.html %}`):
        escaped, and in a `<span lang="...">` when it is in the other language."""
        if self.lang:
            return format_html('<span lang="{}">{}</span>', self.lang, self.text)
        return conditional_escape(self.text)


def text_for_page(english: str, welsh: str = "") -> TextForPage:
    """The text in the active page's language where it exists, else the other language's,
    marked with its `lang` so a screen reader reads it as such (never silently another
    language): a Welsh page shows the Welsh text, else the English marked "en-GB"; an English
    page the English text, else the Welsh marked "cy"."""
    english, welsh = (english or "").strip(), (welsh or "").strip()
    if translation.get_language() == "cy":
        return TextForPage(welsh) if welsh else TextForPage(english, "en-GB" if english else "")
    return TextForPage(english) if english else TextForPage(welsh, "cy" if welsh else "")


def language_name(code: str) -> str:
    """The language's name in that language ("English", "Cymraeg")."""
    return dict(settings.LANGUAGES)[code]


def is_supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def is_public_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.namespaces[:1] == [PUBLIC_NAMESPACE])


def chosen_language(request) -> str | None:
    """The language chosen for pages outside the public site: the person's, else the browser's."""
    user = getattr(request, "user", None)
    code = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if not code:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if is_supported(code) else None


class StaffLanguageMiddleware:
    """Outside the public site, activates the chosen language (see the module docstring).

    Runs after LocaleMiddleware (which sets the public site's language from the address) and
    after authentication, once the view is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_page(request):
            return
        code = chosen_language(request) or settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


def language_links(request) -> list[dict]:
    """One entry per language for the switcher: its name (in itself), its `lang`, whether it is
    the page's language, and the address that switches to it and returns to this page."""
    current = translation.get_language()
    here = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        target = translate_url(here, code)
        try:
            switch = reverse("accounts:language", kwargs={"code": code})
        except NoReverseMatch:
            switch = target
        else:
            switch = f"{switch}?{urlencode({'next': target})}"
        links.append(
            {
                "code": code,
                "lang": html_lang(code),
                "name": name,
                "current": code == current,
                "href": switch,
            }
        )
    return links


def language_alternates(request) -> list[dict]:
    """For a public page: its address in each language (`<link rel="alternate" hreflang>`),
    English also as x-default."""
    if not is_public_page(request):
        return []
    here = request.get_full_path()
    alternates = [
        {"hreflang": html_lang(code), "href": request.build_absolute_uri(translate_url(here, code))}
        for code, _name in settings.LANGUAGES
    ]
    default = translate_url(here, settings.LANGUAGE_CODE)
    alternates.append({"hreflang": "x-default", "href": request.build_absolute_uri(default)})
    return alternates


def recipient_language(user=None, *, fallback: str | None = None) -> str:
    """The language of an email to `user`: the one they chose (`User.language`), else
    `fallback` (e.g. the language the office chose for its force), else English. Emails are
    rendered inside `translation.override(recipient_language(...))`, whoever causes them."""
    code = getattr(user, "language", "") if user is not None else ""
    if is_supported(code):
        return code
    if fallback and is_supported(fallback):
        return fallback
    return settings.LANGUAGE_CODE
