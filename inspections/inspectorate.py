"""The police inspectorate's name on a date: one rule for every page, PDF and email.

HM Inspectorate of Constabulary (HMIC) took on the inspection of fire and rescue services in
July 2017 (under the Policing and Crime Act 2017) and became HM Inspectorate of
Constabulary and Fire & Rescue Services (HMICFRS); the new name was announced on
**19 July 2017**. "Her Majesty's" became "His Majesty's" on the accession of Charles III on
8 September 2022.

A report is named by the inspectorate as it was called on the day the report was published: a
2016 report is HMIC's, a 2019 report HMICFRS's. A copy sent under s55(6) goes to the
inspectorate as it was called on the day the copy was due (the response's publication). Pure:
no ORM.
"""

from dataclasses import dataclass
from datetime import date

#: The day the inspectorate's new name (with "Fire & Rescue Services") was announced.
RENAMED_ON = date(2017, 7, 19)
#: The accession of Charles III: "Her Majesty's" became "His Majesty's".
ACCESSION_OF_CHARLES_III = date(2022, 9, 8)


@dataclass(frozen=True)
class InspectorateName:
    full: str
    abbreviation: str
    #: The Welsh name (docs/welsh-glossary.md): "Ei Mawrhydi" (EM) for Her Majesty, "Ei
    #: Fawrhydi" (EF) for His Majesty; the abbreviation is kept, as on its Welsh pages.
    full_cy: str = ""

    def __str__(self) -> str:
        return f"{self.full} ({self.abbreviation})"

    @property
    def welsh(self) -> str:
        return f"{self.full_cy or self.full} ({self.abbreviation})"


def inspectorate_on(day: date) -> InspectorateName:
    """The inspectorate's name on `day`: "Her Majesty's Inspectorate of Constabulary (HMIC)"
    before 19 July 2017, "... of Constabulary and Fire & Rescue Services (HMICFRS)" from that
    day, with "His Majesty's" from 8 September 2022."""
    majesty = "His" if day >= ACCESSION_OF_CHARLES_III else "Her"
    mawrhydi = "EF" if majesty == "His" else "EM"
    if day < RENAMED_ON:
        return InspectorateName(
            f"{majesty} Majesty's Inspectorate of Constabulary",
            "HMIC",
            f"Arolygiaeth Cwnstabliaeth {mawrhydi}",
        )
    return InspectorateName(
        f"{majesty} Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "HMICFRS",
        f"Arolygiaeth Cwnstabliaeth a Gwasanaethau Tân ac Achub {mawrhydi}",
    )
