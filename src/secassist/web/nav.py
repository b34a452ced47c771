"""The header navigation: the three teams' areas. A link shows only once its page exists."""

from __future__ import annotations

from django.urls import NoReverseMatch, resolve, reverse

from secassist.accounts.permissions import PUBLIC, required_for
from secassist.accounts.roles import has_capability

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
    """Every section and link whose page exists, each link with the capability its page needs to be
    read (declared on the view by @capability or @public; None where the view declares nothing)."""
    sections: list[dict[str, object]] = []
    for title, links in NAV:
        items: list[dict[str, object]] = []
        for label, name in links:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "capability": _read_capability(url)})
        if items:
            sections.append({"title": title, "items": items})
    return sections


def nav_for(user: object, sections: list[dict[str, object]]) -> list[dict[str, object]]:
    """The sections as this user may follow them: a link to a page the user would get 403 on is not
    offered (the server still checks every request; this only keeps the header honest)."""
    visible: list[dict[str, object]] = []
    for section in sections:
        items = [item for item in section["items"] if _may_read(user, item["capability"])]  # type: ignore[attr-defined]
        if items:
            visible.append({"title": section["title"], "items": items})
    return visible


def _read_capability(url: str) -> str | None:
    return required_for(resolve(url).func, "GET")


def _may_read(user: object, capability: object) -> bool:
    if capability is None:  # a view that declares nothing is refused to everyone (fail closed)
        return False
    return capability == PUBLIC or has_capability(user, str(capability))
