"""Welsh and English publications: which texts of a response the public reads, and the one rule
for when a bilingual body may publish them.

The Welsh Language Standards (Welsh Language (Wales) Measure 2011; the standards for police
bodies are in the Welsh Language Standards regulations of 2016) bind the four Welsh local
policing bodies through their compliance notices: what they publish must be available in Welsh,
and Welsh must not be treated less favourably than English. A body that publishes bilingually
(`PolicingBody.publishes_bilingually`, reference data: the four Welsh bodies) therefore has a
Welsh and an English version of every text the public reads (`public_texts`); publishing is
refused while one is missing (`translation_problems`, one of `responses.services.
publication_problems`), unless the office recorded why that text is published in one language
only (`Response.one_language_reasons`, for example the force's own comments as received).

A body that publishes in English only is not touched by any of this: its texts are the
English fields, and `translation_problems` finds nothing.

Pure: no queries. The caller passes the findings and explanations it has read.
`withdrawal_note` is the public note of a withdrawn version in the page's language.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from core.i18n import in_language, text_for_page
from inspections.models import Finding

ENGLISH = "en"
WELSH = "cy"

#: Each language a text can be published in: (code, BCP 47 tag, name in English, in Welsh).
LANGUAGE_NAMES = {ENGLISH: ("en-GB", "English", "Saesneg"), WELSH: ("cy", "Welsh", "Cymraeg")}


def html_tag(language: str) -> str:
    """`lang` for an element in `language` ("en" or "cy")."""
    return LANGUAGE_NAMES[language][0]


def other(language: str) -> str:
    return WELSH if language == ENGLISH else ENGLISH


@dataclass(frozen=True)
class PublicText:
    """One text the public reads, in both languages. `key` names it in
    `Response.one_language_reasons`: "office_comments", "reply_to_force", "force_comments",
    "amendment_reason", "not_required_reason", "explanation:<finding id>" or
    "force_comment:<finding id>"; "withdrawal_reason:<version number>" for the reason of a
    withdrawal (`withdrawal_problem`)."""

    key: str
    label: str
    english: str
    welsh: str

    def text(self, language: str) -> str:
        return (self.welsh if language == WELSH else self.english).strip()

    @property
    def missing_language(self) -> str | None:
        """The language it lacks when only one is written; None when both or neither are."""
        en, cy = bool(self.english.strip()), bool(self.welsh.strip())
        if en and not cy:
            return WELSH
        if cy and not en:
            return ENGLISH
        return None


def _explanation_texts(findings, explanations, *, force_comments_shown: bool):
    by_finding = {e.finding_id: e for e in explanations}
    numbers = {Finding.Kind.RECOMMENDATION: 0, Finding.Kind.AREA_FOR_IMPROVEMENT: 0}
    texts = []
    for finding in sorted(findings, key=lambda f: (f.position, f.pk)):
        if finding.kind not in numbers:
            continue
        numbers[finding.kind] += 1
        explanation = by_finding.get(finding.pk)
        if explanation is None:
            continue
        name = (
            _("recommendation %(number)s")
            if finding.kind == Finding.Kind.RECOMMENDATION
            else _("area for improvement %(number)s")
        ) % {"number": numbers[finding.kind]}
        if finding.reference.strip():
            name += f" ({finding.reference.strip()})"
        texts.append(
            PublicText(
                f"explanation:{finding.pk}",
                _("the explanation for %(name)s") % {"name": name},
                explanation.text,
                explanation.text_cy,
            )
        )
        if force_comments_shown:
            texts.append(
                PublicText(
                    f"force_comment:{finding.pk}",
                    _("the force's comment on %(name)s") % {"name": name},
                    explanation.force_comment,
                    explanation.force_comment_cy,
                )
            )
    return texts


def public_texts(response, *, findings, explanations) -> list[PublicText]:
    """Every text of `response` the public would read if it were published now, in document
    order: the office's comments (s55(5)(a)), the force's comments as received (s55(5)(b)),
    the reply to them (s55(5)(c)), each explanation and the force's comment beside it
    (s55(5B)), and the note of an amendment in progress."""
    body = response.policing_body
    holder = in_language(body.holder_title, body.holder_title_cy)
    received = bool(response.force_comments_submitted_at or response.force_comments_received_on)
    texts = [
        PublicText(
            "office_comments",
            _("the %(holder)s's comments") % {"holder": holder},
            response.office_comments,
            response.office_comments_cy,
        )
    ]
    if received and not response.force_comments_none_submitted:
        texts.append(
            PublicText(
                "force_comments",
                _("the force's comments"),
                response.force_comments,
                response.force_comments_cy,
            )
        )
    texts.append(
        PublicText(
            "reply_to_force",
            _("the reply to the force's comments"),
            response.reply_to_force,
            response.reply_to_force_cy,
        )
    )
    texts += _explanation_texts(findings, explanations, force_comments_shown=received)
    if response.published_on is not None:
        texts.append(
            PublicText(
                "amendment_reason",
                _("the reason for the amendment"),
                response.amendment_reason,
                response.amendment_reason_cy,
            )
        )
    return texts


def one_language_reason(response, key: str) -> str:
    return str((response.one_language_reasons or {}).get(key, "")).strip()


def missing_texts(response, *, findings, explanations) -> list[PublicText]:
    """The texts a bilingual body cannot publish yet: written in one language only, with no
    recorded reason for that. Empty for a body that publishes in English only."""
    if not response.policing_body.publishes_bilingually:
        return []
    return [
        text
        for text in public_texts(response, findings=findings, explanations=explanations)
        if text.missing_language and not one_language_reason(response, text.key)
    ]


def translation_problems(response, *, findings, explanations) -> list[str]:
    """One problem per missing text, in words the office can act on (Welsh Language
    Standards; docs/law.md)."""
    body = response.policing_body
    missing = {
        WELSH: _(
            "The Welsh text of %(label)s is missing: %(name)s publishes in Welsh and English, "
            "so add it, or record why this text is published in one language only."
        ),
        ENGLISH: _(
            "The English text of %(label)s is missing: %(name)s publishes in Welsh and English, "
            "so add it, or record why this text is published in one language only."
        ),
    }
    return [
        missing[text.missing_language]
        % {"label": text.label, "name": in_language(body.name, body.name_cy)}
        for text in missing_texts(response, findings=findings, explanations=explanations)
    ]


def not_required_problem(body, *, reason: str, reason_cy: str, one_language: str) -> str | None:
    """A bilingual body's "not required" reason is public too: both languages, or why one."""
    return reason_problem(body, reason=reason, reason_cy=reason_cy, one_language=one_language)


def withdrawal_problem(body, *, reason: str, reason_cy: str, one_language: str) -> str | None:
    """A withdrawal's reason is published in the note that replaces the version (on the page,
    its PDF's address, the feeds and the API): a bilingual body gives it in both languages,
    or records why it gives it in one (for example, withdrawing at once, before a translation
    can be had)."""
    return reason_problem(body, reason=reason, reason_cy=reason_cy, one_language=one_language)


def reason_problem(body, *, reason: str, reason_cy: str, one_language: str) -> str | None:
    """The one rule for a public reason given when the office acts (not required, withdrawn):
    for a bilingual body both languages, unless it records why one (None: nothing wrong)."""
    if not body.publishes_bilingually or one_language.strip():
        return None
    name = in_language(body.name, body.name_cy)
    if reason.strip() and not reason_cy.strip():
        return _(
            "%(name)s publishes in Welsh and English: give the reason in Welsh too, or record "
            "why it is given in one language only."
        ) % {"name": name}
    if reason_cy.strip() and not reason.strip():
        return _(
            "%(name)s publishes in Welsh and English: give the reason in English too, or "
            "record why it is given in one language only."
        ) % {"name": name}
    return None


def withdrawal_note(note: dict) -> dict:
    """A withdrawal's public note ({"version", "published_on", "on", "reason", "reason_cy",
    "one_language"}, dates as ISO text) for a page in the active language: its dates as dates,
    and `shown`, the reason in the page's language where the office gave it so, else in the
    other, marked with its `lang` (`core.i18n.text_for_page`), with `one_language`, the
    office's reason for giving it in one language only."""
    shown = text_for_page(note.get("reason", ""), note.get("reason_cy", ""))
    return {
        **note,
        "on_date": date.fromisoformat(note["on"]),
        "published_date": date.fromisoformat(note["published_on"]),
        "shown": shown,
        "one_language": note.get("one_language", "") if shown.lang else "",
    }
