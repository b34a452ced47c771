"""The header navigation: the three teams' areas. A link shows only once its page exists."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

NAV: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Dashboard",
        [
            ("Portfolio", "portfolio:dashboard"),
            ("Clocks and alerts", "insights:dashboard"),
            ("Clearances", "clearances:list"),
            ("Program oversight", "oversight:dashboard"),
        ],
    ),
    (
        "Security Assistance",
        [
            ("Funds (FMF, IMET, PKO)", "budget:overview"),
            ("653(a) reports", "budget:report-653a-list"),
            ("Budget requests", "formulation:list"),
            ("Restrictions check", "restrictions:check"),
            ("Waiver register", "restrictions:waivers"),
            ("Determination packages", "determinations:list"),
            ("Determinations calendar", "determinations:calendar"),
            ("Restrictions coverage", "restrictions:coverage"),
            ("Impact analysis", "insights:impact"),
            ("Congressional notifications", "congress:list"),
            ("Statutory calendar", "congress:calendar"),
        ],
    ),
    (
        "Title 10",
        [
            ("Proposals", "title10:list"),
            ("Pipeline dashboard", "title10:dashboard"),
            ("Assurances", "title10:assurances"),
            ("Authorities", "web:authorities"),
        ],
    ),
    (
        "Defense Sector Plans",
        [
            ("Plan reviews", "plans:list"),
            ("Posture changes", "plans:posture"),
            ("Engagements & 3D WG", "plans:engagements"),
            ("Events & exercises", "plans:events"),
            ("Analyses", "plans:analyses"),
        ],
    ),
    (
        "Countries",
        [
            ("All countries", "web:countries"),
        ],
    ),
]


def build_nav() -> list[dict[str, object]]:
    sections: list[dict[str, object]] = []
    for title, links in NAV:
        items: list[dict[str, str]] = []
        for label, name in links:
            try:
                items.append({"label": label, "url": reverse(name)})
            except NoReverseMatch:
                continue
        if items:
            sections.append({"title": title, "items": items})
    return sections
