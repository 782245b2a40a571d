"""Norfolk Constabulary Crime Data Integrity inspection 2019 and the Norfolk PCC's response.

The published text of the reference response, used as demo data. Lists use the product's small
markup ("- " bullets, blank lines between paragraphs, **bold**).
"""

from datetime import date

TITLE = "Norfolk Constabulary Crime Data Integrity inspection 2019"
URL = "https://hmicfrs.justiceinspectorates.gov.uk/publications/norfolk-constabulary-crime-data-integrity-inspection-2019/"
PUBLISHED_ON = date(2020, 1, 7)

# The office's own dates. The reference response's text looks ahead to "the next Police
# Accountability Forum on 28 January", so it was published before then: the demo invites the
# force the day after the report, has the force's comments back before anything of the office's
# is written, and publishes on Friday 24 January 2020, with the copies sent that day and the
# panel's the next working day.
FORCE_INVITED_ON = date(2020, 1, 8)
FORCE_REPLY_BY = date(2020, 1, 17)
FORCE_COMMENTS_RECEIVED_ON = date(2020, 1, 16)
RESPONSE_PUBLISHED_ON = date(2020, 1, 24)
COPIES_SENT_ON = date(2020, 1, 24)
PANEL_COPY_SENT_ON = date(2020, 1, 27)
#: The forum the office's text looks ahead to ("on 28 January").
FORUM_ON = date(2020, 1, 28)

KEY_FINDINGS = [
    "Since the 2014 inspection, Norfolk Constabulary has made a concerted effort to record crime more accurately. We found that officers and staff have a greater understanding of the importance of crime recording standards and of putting the victim at the centre of their crime recording decisions.",
    "We also found the force has:\n\n- created and implemented a crime data integrity (CDI) action plan to address our 2014 recommendations and areas for improvement;\n- recently introduced an investigation team which conducts initial investigations into incidents that don't need attendance and records any associated crimes;\n- effective processes for identifying and recording modern slavery offences; and\n- implemented feedback processes, so officers and staff who make errors can learn the correct requirements for their future crime recording decisions.",
    "Work remains to be done, however. We examined crime reports from 1 November 2018 to 30 April 2019. Based on this, we estimate that the force records 87.5 percent (with a confidence interval of +/- 1.81 percent) of crimes reported to it. We estimate that the force fails to record over 8,700 reported crimes each year. The 12.5 percent of reported crimes that go unrecorded include sexual and violence offences. It is a cause of concern that the recording rate for violent crime is only 82.3 percent (with a confidence interval of +/- 2.88 percent). And many of these unrecorded violent crimes are cases of domestic abuse.",
    "These failures are due to officers and staff not fully understanding the crime recording rules. This is made worse by limited supervision to correct these decisions as soon as possible.",
    "The force has improved its crime recording accuracy since our 2014 report. Inspectors found that the force has:\n\n- provided crime recording training to designated decision makers (DDMs), new officers and control room staff;\n- improved supervision of out-of-court disposals, such as cautions and community resolutions;\n- implemented a flexible and risk-based audit programme;\n- used audit results to inform training and improve crime recording standards; and\n- implemented all the recommendations from our 2014 report.",
    "The force crime registrar (FCR) and his deputy are responsible for oversight and audit of crime recording requirements. They have both completed a National College of Policing course for FCRs and are fully accredited for the role.",
    "The force records rape crimes, and incidents requiring a Home Office classification N100, at first point of contact. But this isn't the case for other reported crime types. Even when there was enough evidence to record a crime on first contact, in the vast majority of cases the recording was delayed until after an officer spoke to the caller personally. This is unnecessary and often inefficient. It leads to delays in recording crimes and too often means that reported crimes are not recorded at all. The force commonly doesn't investigate these unrecorded crimes.",
    "At the time of our inspection, we found a large backlog of crimes waiting for validation by the incident management unit (IMU). This leads to delays in the allocation of some crimes for investigation and risks a reduced level of service for some victims. The force had plans to address this backlog, but these plans were yet to be introduced.",
    "Also, the force's crime recording arrangements still need to improve in the following areas. It must:",
    "make sure that all supervisors, officers and staff working in a crime recording role fully understand the crime recording rules, particularly for reports of common assault,\n\n- harassment, malicious communications, coercive and controlling behaviour, and stalking;\n- make sure it always records reports of crime received from professional third parties;\n- improve understanding of N100 classifications among its control room staff;\n- record more crimes within 24 hours as required by the national crime recording standard;\n- make sure it informs victims if their crime is transferred to another force for investigation or is cancelled; and\n- improve how it collects equality information to help it understand and respond to the effect of criminality on identifiable groups within its communities.",
    "We note that the force had identified some of these problems at the time of our inspection. To address them, it has recently introduced a crime data integrity quality assurance team (CDIQAT). The team consists of experienced officers and staff working in the force control room, who conduct 'live time' quality assurance of all violence incidents. It seeks to make sure that:\n\n- officers correctly identify and record all these crimes immediately after attendance; and\n- any errors are corrected at the earliest available opportunity.",
    "When officers make mistakes, the CDIQAT has developmental conversations with them. This is to make sure they understand why corrections are needed and to prevent it happening again. The force has also developed a mandatory training package for all frontline sergeants, to improve supervisory oversight of crime recording standards and investigations. These are welcome developments.",
]
CAUSE_OF_CONCERN = "Norfolk Constabulary is failing to make sure it correctly records all violent crimes (which includes domestic abuse) reported to it. Officers and staff do not always fully understand and apply the crime recording rules when dealing with crimes like common assault, harassment, malicious communications, coercive and controlling behaviour, and stalking. There is also limited supervision to correct these recording decisions at the earliest opportunity."
RECOMMENDATIONS = [
    "take steps to identify and address gaps in its systems and processes for identifying and recording all reports of violent crimes (in particular those related to domestic abuse);",
    "provide further crime recording training for all supervisors, officers and staff working in a crime recording role, to include the recording rules for common assault, harassment, malicious communications, coercive and controlling behaviour, and stalking; and",
    "make sure that it adequately supervises **all** crime recording decisions made by officers and staff.",
]
AFIS = [
    "reviews its backlog of crime records waiting for validation, acts appropriately to deal with the backlog, and validates records promptly in the future;",
    "always records reports of crime received from professional third parties;",
    "improves understanding of N100 classifications among its control room staff;",
    "records more crimes within 24 hours as required by the national crime recording standard;",
    "informs victims if their crime is transferred to another force for investigation or is cancelled; and",
    "improves how it collects diversity information from crime victims and uses this to inform its compliance with its equality duty.",
]
FORCE_COMMENTS = 'Deputy Chief Constable of Norfolk Constabulary Paul Sanford said Norfolk Constabulary welcomed the latest HMICFRS report.\n\nHe said: "The report is clear that the whole constabulary is committed to recording crime accurately and in the best interests of victims."\n\nMr Sanford said it was important to note the report concerned the accuracy of how crimes were recorded and not how incidents were investigated.\n\n"Nonetheless the report correctly finds that we have further improvements to make to improve the accuracy of our crime recording and we accept the recommendations of HMICFRS and have already started to recruit more staff to undertake auditing work. The accuracy of our crime recording will only improve if we do this.\n\n"It is also the case that our recent rapid recruitment has inevitably led to a young and inexperienced workforce, so we are currently training all frontline staff to improve standards. Crime recording rules are incredibly complex and it will take some time for our workforce to reach the required level of understanding."'
OFFICE_COMMENTS = "I have noted with concern the findings of HMICFRS that, despite making improvements since its last inspection, Norfolk Constabulary's crime recording arrangements are not yet to the required standard and it has been graded as 'requires improvement'.\n\nOn behalf of the public, I will be seeking assurance that the necessary improvements are being made so that we have crime data in which victims and the community can have confidence.\n\nI will be asking the Chief Constable to update me on the plans to address this at the next Police Accountability Forum on 28 January – a meeting which the Norfolk public is welcome to attend – and I will be closely monitoring progress over the coming months."

# The reference response answers the recommendations in the commissioner's comments; s55(5B)
# needs an explanation for each, so the demo gives one per recommendation.
EXPLANATIONS = [
    (
        "action_proposed",
        "I will ask the Chief Constable to set out, at the Police Accountability Forum on "
        "28 January, how the force will close the gaps in recording violent crime, in particular "
        "domestic abuse, and I will review progress at each forum until the recording rate meets "
        "the standard.",
        "The force accepts this recommendation and is recruiting more staff for auditing work.",
    ),
    (
        "action_proposed",
        "I will seek assurance that the training for frontline staff covers the recording rules "
        "for common assault, harassment, malicious communications, coercive and controlling "
        "behaviour and stalking, and ask for the completion rates at each forum.",
        "All frontline staff are being trained to improve standards.",
    ),
    (
        "action_proposed",
        "I will ask the Chief Constable to report how the new crime data integrity quality "
        "assurance team and the training for sergeants improve supervision of recording decisions.",
        "",
    ),
]

AFI_RESPONSES = [
    "I will ask for an update on the validation backlog at the next Police Accountability Forum.",
    "I will seek assurance that reports from professional third parties are always recorded.",
    "I will ask how control room staff are being trained on N100 classifications.",
    "I will monitor the proportion of crimes recorded within 24 hours.",
    "I will seek assurance that victims are told when their crime is transferred or cancelled.",
    "I will ask how the force collects and uses diversity information from victims.",
]

REPLY_TO_FORCE = (
    "I welcome the Constabulary's acceptance of the recommendations and the recruitment of more "
    "audit staff. I will hold the Chief Constable to account for the pace of improvement."
)
