"""The Welsh catalogue (locale/cy/LC_MESSAGES/django.po): complete, current, covering every
string marked in the code, and every translated template has no unmarked text.

docs/i18n.md says how the catalogue is kept; docs/welsh-glossary.md the terms it uses.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import get_template

from core.management.commands.compile_translations import catalogues, compile_catalogue
from tests.conftest import require

WELSH = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"

TEMPLATES = Path(settings.BASE_DIR) / "templates"

#: Templates not yet marked for translation (docs/i18n.md, "What is left"); every other
#: template under templates/ must have every word marked. Remove each here as it is done.
NOT_YET_TRANSLATED: set[str] = set()


def all_templates() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".txt") and path.is_file()
    )


#: Templates whose every word is marked for translation.
TRANSLATED_TEMPLATES = [name for name in all_templates() if name not in NOT_YET_TRANSLATED]


def test_the_not_yet_translated_list_names_real_templates():
    assert set(all_templates()) >= NOT_YET_TRANSLATED


#: Where strings are marked: the apps, the settings and the templates (scripts/makemessages.sh).
SOURCE_FOLDERS = [
    "accounts",
    "config",
    "core",
    "inspections",
    "public",
    "reminders",
    "responses",
    "templates",
    "tracking",
]

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def welsh_catalogue() -> polib.POFile:
    return polib.pofile(str(WELSH))


def test_every_welsh_entry_is_translated_and_none_is_fuzzy_or_obsolete():
    catalogue = welsh_catalogue()
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


def test_every_welsh_translation_keeps_the_placeholders_of_the_english():
    for entry in welsh_catalogue():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_the_compiled_catalogue_is_the_current_one(tmp_path):
    """Django reads the .mo: it must be compiled from the .po as it is now (scripts/setup.sh
    runs `manage.py compile_translations`)."""
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run manage.py compile_translations"
        fresh = compile_catalogue(
            shutil.copy(po_path, tmp_path / po_path.name) and Path(tmp_path / po_path.name)
        )
        assert fresh.read_bytes() == mo_path.read_bytes(), (
            f"{mo_path} is older than its .po: run manage.py compile_translations"
        )


def test_the_catalogue_has_every_string_marked_in_the_code_and_templates(tmp_path, monkeypatch):
    """makemessages (GNU gettext's xgettext) over the project, into a copy of the catalogue:
    nothing new may appear, so no marked string is left without its Welsh."""
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    # makemessages writes to the `locale` folder of the directory it runs in: run it in a
    # folder that links to the project's code and holds a copy of the catalogue.
    base = Path(settings.BASE_DIR)
    for source in SOURCE_FOLDERS:
        (tmp_path / source).symlink_to(base / source, target_is_directory=True)
    shutil.copytree(base / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [])
    call_command(
        "makemessages",
        locale=["cy"],
        no_location=True,
        no_obsolete=True,
        symlinks=True,
        verbosity=0,
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    known = {e.msgid for e in welsh_catalogue()}
    assert sorted(e.msgid for e in extracted if e.msgid not in known) == [], (
        "strings marked in the code but not in the Welsh catalogue: run scripts/makemessages.sh "
        "and translate them"
    )
    assert sorted(known - {e.msgid for e in extracted}) == [], "entries nothing uses any more"


def _unmarked_text(source: str) -> list[str]:
    """Words in a template that no {% translate %} or {% blocktranslate %} covers: text between
    tags, the text of the attributes people read (aria-label, title, alt), and words passed as
    plain strings inside tags (`{% include ... with text="Save" %}`, `|default:"None"`,
    `|yesno:"Yes,No"`) rather than as `_("...")`."""
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.S)
    in_tags = re.findall(r'(?:\btext=|\|default:|\|yesno:)"([^"]*[A-Za-z]{3}[^"]*)"', source)
    source = re.sub(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", "", source, flags=re.S)
    source = re.sub(r"{%.*?%}", "", source, flags=re.S)
    source = re.sub(r"{{.*?}}", "", source, flags=re.S)
    found = re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*[A-Za-z][^"]*)"', source)
    source = re.sub(r"<(script|style|svg)\b.*?</\1>", "", source, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", source)
    text = re.sub(r"&\w+;", " ", text)
    found += [line.strip() for line in text.splitlines() if re.search(r"[A-Za-z]{2}", line)]
    found += in_tags
    # Addresses shown as link text (/api/reports/) and fragments of an address (#finding-) are
    # the same in every language.
    return [words for words in found if not re.fullmatch(r"[/#][\w/.-]*", words)]


@pytest.mark.parametrize("name", TRANSLATED_TEMPLATES)
def test_every_word_of_a_translated_template_is_marked(name):
    source = Path(get_template(name).origin.name).read_text()
    assert _unmarked_text(source) == []


def test_unmarked_words_are_found_between_tags_in_attributes_and_in_tags():
    """The check above can fail."""
    source = (
        '<p>Hello there</p><a title="Open it">{% translate "Done" %}</a>'
        '{% include "govuk/button.html" with text="Save it" %}{{ x|default:"None given" }}'
        '{% include "govuk/button.html" with text=_("Marked") %}'
    )
    assert sorted(_unmarked_text(source)) == ["Hello there", "None given", "Open it", "Save it"]
