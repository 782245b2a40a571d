"""The Welsh demo: the Dyfed-Powys office publishes in Welsh and English (Welsh Language
Standards; responses/bilingual.py). Its reports are demo reports dated relative to today (not
real HMICFRS reports); the texts are written for the demo in both languages.

Not yet reviewed by a Welsh translator (docs/i18n.md).
"""

HOLDER_NAME = "Dafydd Llywelyn"

# --- A published bilingual response ------------------------------------------------------

PUBLISHED_TITLE = (
    "PEEL spotlight report: how Dyfed-Powys Police responds to violence against women and girls"
)
PUBLISHED_RECOMMENDATIONS = [
    (
        "Within six months, the force should make sure that every victim of domestic abuse is "
        "offered a referral to a specialist support service, and that the offer is recorded.",
        "within six months",
    ),
    (
        "Within 12 months, the force should review how supervisors oversee investigations of "
        "stalking and harassment.",
        "within 12 months",
    ),
]

FORCE_COMMENTS = (
    "Dyfed-Powys Police accepts both recommendations. A delivery plan, led by the Assistant "
    "Chief Constable, is in place, and progress will be reported to the Commissioner every "
    "quarter."
)
FORCE_COMMENTS_CY = (
    "Mae Heddlu Dyfed-Powys yn derbyn y ddau argymhelliad. Mae cynllun cyflawni, dan "
    "arweiniad y Prif Gwnstabl Cynorthwyol, ar waith, a bydd y cynnydd yn cael ei adrodd i'r "
    "Comisiynydd bob chwarter."
)

OFFICE_COMMENTS = (
    "The Commissioner welcomes this report and the recognition it gives to the work of officers "
    "and staff across Dyfed-Powys. Tackling violence against women and girls is a priority of "
    "the Police and Crime Plan.\n\n"
    "The Commissioner will scrutinise the force's progress on both recommendations at the "
    "Policing Accountability Board and will publish updates on this page."
)
OFFICE_COMMENTS_CY = (
    "Mae'r Comisiynydd yn croesawu'r adroddiad hwn a'r gydnabyddiaeth y mae'n ei rhoi i waith "
    "swyddogion a staff ar draws Dyfed-Powys. Mae mynd i'r afael â thrais yn erbyn menywod a "
    "merched yn flaenoriaeth yn y Cynllun Heddlu a Throseddu.\n\n"
    "Bydd y Comisiynydd yn craffu ar gynnydd yr heddlu ar y ddau argymhelliad yn y Bwrdd "
    "Atebolrwydd Plismona a bydd yn cyhoeddi diweddariadau ar y dudalen hon."
)

REPLY_TO_FORCE = (
    "The Commissioner welcomes the force's acceptance of the recommendations and will hold the "
    "Chief Constable to account for the delivery plan."
)
REPLY_TO_FORCE_CY = (
    "Mae'r Comisiynydd yn croesawu'r ffaith bod yr heddlu wedi derbyn yr argymhellion a bydd "
    "yn dwyn y Prif Gwnstabl i gyfrif am y cynllun cyflawni."
)

#: (kind, English, Welsh) for each recommendation, in order.
EXPLANATIONS = [
    (
        "action_proposed",
        "The force will change its domestic abuse risk assessment so that the offer of a "
        "referral is recorded for every victim. The Commissioner's office will check a sample "
        "of cases every quarter.",
        "Bydd yr heddlu'n newid ei asesiad risg cam-drin domestig fel bod y cynnig o "
        "atgyfeiriad yn cael ei gofnodi ar gyfer pob dioddefwr. Bydd swyddfa'r Comisiynydd yn "
        "gwirio sampl o achosion bob chwarter.",
    ),
    (
        "action_taken",
        "The force has appointed a lead for stalking and harassment and has introduced a "
        "supervision checklist for every investigation.",
        "Mae'r heddlu wedi penodi arweinydd ar gyfer stelcian ac aflonyddu ac wedi cyflwyno "
        "rhestr wirio goruchwylio ar gyfer pob ymchwiliad.",
    ),
]

# --- A draft in progress -----------------------------------------------------------------

DRAFT_TITLE = "An inspection of Dyfed-Powys Police custody services"
DRAFT_RECOMMENDATIONS = [
    (
        "Within six months, the force should make sure that every detainee is told of their "
        "rights in a language they understand, including Welsh.",
        "within six months",
    ),
    (
        "Within 12 months, the force should improve how it records the use of force in custody.",
        "within 12 months",
    ),
]
DRAFT_OFFICE_COMMENTS = (
    "The Commissioner's independent custody visitors will report on the force's progress "
    "after every visit."
)
DRAFT_OFFICE_COMMENTS_CY = (
    "Bydd ymwelwyr annibynnol â'r ddalfa y Comisiynydd yn adrodd ar gynnydd yr heddlu ar ôl "
    "pob ymweliad."
)
#: The first explanation is written in both languages; the second in English only so far, so
#: the draft shows what the bilingual guard asks for.
DRAFT_EXPLANATIONS = [
    (
        "action_proposed",
        "The force will provide the notice of rights and entitlements in Welsh and English in "
        "every custody suite, and custody staff will offer it in the detainee's language.",
        "Bydd yr heddlu'n darparu'r hysbysiad hawliau a hawlogaethau yn Gymraeg ac yn Saesneg "
        "ym mhob dalfa, a bydd staff y ddalfa'n ei gynnig yn iaith ddewisol y sawl a gedwir.",
    ),
    (
        "action_proposed",
        "The force will audit its use of force records in custody every month.",
        "",
    ),
]
