"""Demo step (order 500): an AFRICOM theater campaign plan under State review with comments from
three offices, a posture change request and a 3D Working Group meeting with open action items.

All wording is unclassified and illustrative; no figures are invented. Dates are relative to the
day the demo is loaded so the review is always "live". Idempotent: it does nothing once the demo
plan exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from secassist.core import clock
from secassist.core.calendar import add_business_days
from secassist.reference.models import Office

from . import services, workflow
from .models import PlanningProduct

TITLE = "U.S. Africa Command Theater Campaign Plan — interagency review draft"

COMMENTS: list[tuple[str, dict[str, str]]] = [
    (
        "af.clearer",
        {
            "page": "12",
            "paragraph": "3.b",
            "line": "4",
            "comment_type": "substantive",
            "comment": "Link the partner security-sector governance activities to the Mission objectives in the "
            "Integrated Country Strategies for Kenya and Ghana.",
            "rationale": "Keeps DoD activities consistent with Chief of Mission priorities (3D coordination).",
            "proposed_change": "Add: 'Activities support the security-sector governance objectives of the "
            "relevant Integrated Country Strategies.'",
        },
    ),
    (
        "af.clearer",
        {
            "page": "9",
            "paragraph": "2.c",
            "line": "11",
            "comment_type": "substantive",
            "comment": "Replace 'host nation consent is assumed' with 'host nation consent will be sought through "
            "the Chief of Mission'.",
            "rationale": "Access and presence depend on host-nation agreement negotiated by State.",
            "proposed_change": "As stated in the comment.",
        },
    ),
    (
        "af.clearer",
        {
            "page": "3",
            "paragraph": "1.a",
            "line": "2",
            "comment_type": "administrative",
            "comment": "Use the official short name 'Côte d'Ivoire' throughout.",
            "rationale": "",
            "proposed_change": "Global change.",
        },
    ),
    (
        "drl.clearer",
        {
            "page": "15",
            "paragraph": "4.a",
            "line": "",
            "comment_type": "critical",
            "comment": "State that training and equipping of partner units is subject to Leahy vetting before "
            "any activity is executed.",
            "rationale": "Required by 22 U.S.C. 2378d and 10 U.S.C. 362; omitting it risks assistance to units "
            "with credible information of gross violations of human rights.",
            "proposed_change": "Insert: 'All partner-unit activities are subject to Leahy vetting (22 U.S.C. "
            "2378d; 10 U.S.C. 362).'",
        },
    ),
    (
        "nea.clearer",
        {
            "page": "9",
            "paragraph": "2.c",
            "line": "11",
            "comment_type": "critical",
            "comment": "Replace “host-nation consent is assumed” with “host nation consent will be sought "
            "through the Chief of Mission.”",
            "rationale": "Libya and Tunisia fall under NEA at State; consent cannot be presumed.",
            "proposed_change": "As stated in the comment.",
        },
    ),
    (
        "nea.clearer",
        {
            "page": "21",
            "paragraph": "Annex V, 1",
            "line": "",
            "comment_type": "substantive",
            "comment": "Name NEA as the State counterpart for Libya and Tunisia in the coordination annex.",
            "rationale": "North Africa is in the AFRICOM area of responsibility but in NEA's portfolio at State.",
            "proposed_change": "Add NEA alongside AF in the list of State counterparts.",
        },
    ),
]


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    if PlanningProduct.objects.filter(title=TITLE).exists():
        if stdout:
            stdout.write("  plans demo already loaded")
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["dsp.analyst", "af.clearer", "drl.clearer", "nea.clearer"])
    }
    dsp = users.get("dsp.analyst") or acting_user
    today = clock.today()
    product = services.create_product(
        acting_user=dsp,
        product_type="tcp",
        owner_kind="ccmd",
        owner_ccmd="AFRICOM",
        title=TITLE,
        version="FY2027 draft 1",
        classification="SECRET",
        dissemination="NOFORN",
        classified_text_location="SIPRNet: Joint Staff J5 plan-review library; hard copy in the PM/SA-DSP safe",
        summary="Theater campaign plan for the AFRICOM area of responsibility, sent by the Joint Staff for interagency "
        "review. Only this unclassified summary is held here.",
        regions=["AF", "NEA"],
        countries=["KEN", "GHA", "SOM", "DJI", "CIV", "LBY", "TUN"],
        review_opens_on=today - dt.timedelta(days=7),
        review_closes_on=add_business_days(today, 15),
    )
    services.add_link(
        acting_user=dsp,
        product=product,
        kind="ics",
        label="Integrated Country Strategy — Kenya",
        url="https://www.state.gov/integrated-country-strategies/",
        element="Mission objective: professional, accountable security services",
    )
    tasker = services.create_tasker(
        acting_user=dsp,
        product=product,
        received_on=today - dt.timedelta(days=7),
        due_on=add_business_days(today, 15),
        office_due_on=add_business_days(today, 5),
        dod_reference="J5 interagency plan review (demo)",
        requested_by="Joint Staff J5",
        state_lead=dsp.pk,
        offices=["AF", "NEA", "DRL"],
        instructions="Offices: comment in the DoD matrix layout; mark critical only what State could not concur without.",
    )
    workflow.transition(acting_user=dsp, tasker=tasker, action="task", note="AF and NEA share the AOR; DRL for Leahy.")
    for username, fields in COMMENTS:
        author = users.get(username) or dsp
        office = Office.objects.get(code=username.split(".")[0].upper())
        services.add_comment(acting_user=author, tasker=tasker, office=office, **fields)
    workflow.transition(acting_user=dsp, tasker=tasker, action="call_for_comments", note="Final call sent to AF, NEA, DRL.")
    services.create_posture_change(
        acting_user=dsp,
        country="DJI",
        title="Adjustment of rotational support presence in Djibouti",
        change="DoD proposes to adjust the rotational presence of support elements at a facility in Djibouti. "
        "Details are in the classified posture plan.",
        dod_sponsor="U.S. Africa Command, through OUSD(Policy) Global Posture",
        host_nation_agreements="Existing access arrangements with the Government of Djibouti; confirm whether the "
        "change needs host-nation notification.",
        foreign_policy_implications="Regional perceptions of U.S. presence in the Horn of Africa; Mission views needed.",
        coordination_status="in_coordination",
        received_on=today - dt.timedelta(days=5),
        product=product,
    )
    meeting = services.create_engagement(
        acting_user=dsp,
        kind="3d_wg",
        title="3D Working Group — AFRICOM campaign plan review kickoff",
        held_on=today - dt.timedelta(days=3),
        location="Harry S Truman Building (unclassified session)",
        participants="PM/SA-DSP, AF, NEA, DRL, USAID Bureau for Africa, U.S. Africa Command J5 liaison, OUSD(Policy)",
        outputs="Agreed the review timeline; named ICS alignment and Leahy vetting language as priority topics; asked "
        "DoD for the unclassified coordination annex.",
        product=product,
        countries=["KEN", "GHA", "LBY", "TUN"],
    )
    for username, description, days in [
        ("dsp.analyst", "Circulate the unclassified review timeline to the tasked offices", 1),
        ("drl.clearer", "Draft proposed Leahy vetting language for the plan's partner activities", 4),
        ("af.clearer", "Collect Mission input from Embassies Nairobi and Accra on ICS alignment", 5),
        ("nea.clearer", "Confirm the NEA counterpart for the North Africa coordination annex", 7),
    ]:
        owner = users.get(username) or dsp
        services.add_action_item(
            acting_user=dsp,
            engagement=meeting,
            description=description,
            owner=owner.username,
            due_on=add_business_days(today, days),
        )
    if stdout:
        stdout.write(f"  plans: tasker {tasker.pk} with {len(COMMENTS)} comments, 1 posture change, 1 3D WG meeting")
