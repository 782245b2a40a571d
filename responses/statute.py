"""The Section 55 duty in words: the one sentence every page and document that states it uses.

Police Act 1996 s55, as amended by Policing and Crime Act 2017 s37 (in force 2 May 2017):

- s55(5): the local policing body must prepare comments on the report and arrange for the
  publication of its comments, any comments submitted by the chief officer under s55(4), and
  any response it has to those comments. The chief officer's comments are optional ("any");
  the body's are not.
- s55(5A): publication must be "before the end of the period of 56 days beginning with the day
  on which the report is published".
- s55(5B): if the report includes a recommendation, the body's comments must include, for each
  recommendation, an explanation of the action it has taken or proposes to take, or why it has
  not taken and does not propose to take any action.

The duty holds for every report on the body's force, whether or not it makes recommendations,
so "respond to recommendations within 56 days" misstates it. Reports published before
2 May 2017 had the duty to publish comments but no period and no s55(5B): their documents say
so rather than state a rule that did not apply.

A published version's HTML and PDF are frozen when they are stored (`responses.pdf`), so
versions stored before this wording keep the sentence they were published with.
"""

from datetime import date

from django.utils.translation import gettext_noop

from core.dates import long_date

from .deadlines import S55_COMMENCEMENT

# Marked for the Welsh catalogue but kept in English here: documents (the response's PDF and
# HTML) are in the language they are published in; a page shows it translated with gettext.
DUTY = gettext_noop(
    "Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act "
    "2017) requires the local policing body to publish its comments on every inspection report "
    "on its force, whether or not the report makes recommendations, together with any comments "
    "the chief officer submitted and any response to those comments, before the end of the "
    "period of 56 days beginning with the day on which the report is published. For each "
    "recommendation, the body's comments must explain the action it has taken or proposes to "
    "take, or why it has not taken and does not propose to take any action."
)

DUTY_BEFORE_COMMENCEMENT = (
    "Section 55 of the Police Act 1996 requires the local policing body to publish its "
    "comments on an inspection report on its force, together with any comments the chief "
    "officer submitted and any response to those comments. The 56-day period and the "
    "explanation of each recommendation (section 37 of the Policing and Crime Act 2017) apply "
    f"to reports published from {long_date(S55_COMMENCEMENT)}; this report "
    "was published before then."
)


def duty_statement(*, report_published_on: date | None = None) -> str:
    """The duty as it applies to a report published on `report_published_on` (the law as it
    stands today when no date is given)."""
    if report_published_on is not None and report_published_on < S55_COMMENCEMENT:
        return DUTY_BEFORE_COMMENCEMENT
    return DUTY
