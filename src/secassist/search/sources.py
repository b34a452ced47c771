"""What is searchable: one Source per object kind, with how to index it and who may see it.

Visibility is never decided here: each source asks the owning app's selectors (or the capability map
for the kinds every signed-in role may read), so search shows exactly what the pages would show."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from secassist.accounts.roles import has_capability


@dataclass(frozen=True)
class Document:
    object_id: str
    title: str
    body: str
    url: str


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    object_types: frozenset[str]  # audit object_type values whose events re-index this kind
    queryset: Callable[[], QuerySet[Any]]
    document: Callable[[Any], Document]
    visible: Callable[[Any, list[str]], set[str]]  # (user, object ids) -> the ids the user may open


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, "", [], {}))


def _readable_by_every_role(user: Any, ids: list[str]) -> set[str]:
    return set(ids) if has_capability(user, "view") else set()


def _visible_in(selector: Callable[[Any], QuerySet[Any]]) -> Callable[[Any, list[str]], set[str]]:
    def visible(user: Any, ids: list[str]) -> set[str]:
        if not has_capability(user, "view"):
            return set()
        return {str(pk) for pk in selector(user).filter(pk__in=ids).values_list("pk", flat=True)}

    return visible


# --- countries -------------------------------------------------------------------------------------


def _countries() -> QuerySet[Any]:
    from secassist.reference.models import Country

    return Country.objects.prefetch_related("aliases")


def _country_doc(c: Any) -> Document:
    aliases = sorted({a.alias for a in c.aliases.all()})
    body = _join(c.iso3, c.iso2, ", ".join(aliases), c.get_bureau_display(), c.cocom)
    return Document(str(c.pk), c.name, body, reverse("web:country", args=[c.iso3]))


# --- congressional notifications --------------------------------------------------------------------


def _packages() -> QuerySet[Any]:
    from secassist.congress.models import Package

    return Package.objects.select_related("country", "pseudo_region")


def _package_doc(p: Any) -> Document:
    title = f"{p.number} {p.title}"
    body = _join(p.recipient_name, p.program, f"FY{p.fiscal_year}", p.get_status_display(), p.description, p.purpose)
    return Document(str(p.pk), title, body, reverse("congress:detail", args=[p.pk]))


# --- Title 10 proposals ---------------------------------------------------------------------------


def _proposals() -> QuerySet[Any]:
    from secassist.title10.models import Proposal

    return Proposal.objects.select_related("country", "authority")


def _proposal_doc(p: Any) -> Document:
    body = _join(p.country.name, p.authority, f"FY{p.fiscal_year}", p.get_status_display(), p.description)
    return Document(str(p.pk), f"{p.reference} — {p.title}", body, reverse("title10:detail", args=[p.reference]))


# --- restrictions: waivers and designations --------------------------------------------------------


def _waivers() -> QuerySet[Any]:
    from secassist.restrictions.models import Waiver

    return Waiver.objects.select_related("restriction", "country")


def _waiver_doc(w: Any) -> Document:
    title = f"{w.get_kind_display()}: {w.restriction.short_name} — {w.country.name}"
    body = _join(w.legal_authority, w.pd_number, w.scope_text, w.justification, w.source_document, f"FY{w.fiscal_year or ''}")
    url = reverse("restrictions:country", args=[w.country.iso3]) + f"#waiver-{w.pk}"
    return Document(str(w.pk), title, body, url)


def _designations() -> QuerySet[Any]:
    from secassist.restrictions.models import Designation

    return Designation.objects.select_related("restriction", "country")


def _designation_doc(d: Any) -> Document:
    title = f"{d.restriction.short_name}: {d.country.name} — {d.status}"
    body = _join(d.pd_number, d.source_document, d.note, f"FY{d.fiscal_year}" if d.fiscal_year else "")
    url = reverse("restrictions:country", args=[d.country.iso3]) + f"#designation-{d.pk}"
    return Document(str(d.pk), title, body, url)


# --- Defense Sector Plans --------------------------------------------------------------------------


def _products() -> QuerySet[Any]:
    from secassist.plans.models import PlanningProduct

    return PlanningProduct.objects.prefetch_related("countries")


def _product_doc(p: Any) -> Document:
    body = _join(p.get_product_type_display(), p.owner_ccmd, p.summary, ", ".join(c.name for c in p.countries.all()))
    return Document(str(p.pk), p.title, body, reverse("plans:product", args=[p.pk]))


def _taskers() -> QuerySet[Any]:
    from secassist.plans.models import Tasker

    return Tasker.objects.select_related("product")


def _tasker_doc(t: Any) -> Document:
    title = f"Tasker {t.dod_reference or t.pk}: {t.product.title}"
    body = _join(t.requested_by, t.instructions, t.get_status_display())
    return Document(str(t.pk), title, body, reverse("plans:tasker", args=[t.pk]))


def _comments() -> QuerySet[Any]:
    from secassist.plans.models import Comment

    return Comment.objects.select_related("tasker__product", "office")


def _comment_doc(c: Any) -> Document:
    title = f"Comment {c.number} ({c.office.code}) on {c.tasker.product.title}"
    body = _join(c.comment, c.rationale, c.proposed_change, c.dod_response)
    return Document(str(c.pk), title, body, reverse("plans:tasker", args=[c.tasker_id]) + f"#comment-{c.number}")


def _comments_visible(user: Any, ids: list[str]) -> set[str]:
    from secassist.plans import selectors as plans_selectors
    from secassist.plans.models import Comment

    if not has_capability(user, "view"):
        return set()
    tasker_ids = plans_selectors.taskers(user).values("pk")
    return {str(pk) for pk in Comment.objects.filter(pk__in=ids, tasker_id__in=tasker_ids).values_list("pk", flat=True)}


def _engagements() -> QuerySet[Any]:
    from secassist.plans.models import Engagement

    return Engagement.objects.prefetch_related("countries")


def _engagement_doc(e: Any) -> Document:
    body = _join(
        e.get_kind_display(),
        e.location,
        e.cocom,
        e.participants,
        e.outputs,
        e.after_action_notes,
        ", ".join(c.name for c in e.countries.all()),
    )
    # Exercises, war games, conferences, seminars and training open on the events page (issue #17).
    page = "plans:engagement" if e.kind == "3d_wg" else "plans:event"
    return Document(str(e.pk), e.title, body, reverse(page, args=[e.pk]))


def _analyses() -> QuerySet[Any]:
    from secassist.plans.models import AnalysisProduct

    return AnalysisProduct.objects.prefetch_related("countries", "versions")


def _analysis_doc(a: Any) -> Document:
    versions = sorted(a.versions.all(), key=lambda v: v.number)
    body = _join(
        a.get_kind_display(),
        a.addressee,
        a.get_status_display(),
        a.issue,
        versions[-1].text if versions else "",
        a.decision,
        ", ".join(c.name for c in a.countries.all()),
    )
    return Document(str(a.pk), a.title, body, reverse("plans:analysis", args=[a.pk]))


# --- determination packages ------------------------------------------------------------------------


def _determinations() -> QuerySet[Any]:
    from secassist.determinations.models import DeterminationPackage

    return DeterminationPackage.objects.select_related("country", "restriction", "dtype").prefetch_related("versions")


def _determination_doc(p: Any) -> Document:
    versions = sorted(p.versions.all(), key=lambda v: v.number)
    body = _join(
        p.dtype.title,
        p.country.name,
        p.country.iso3,
        f"FY{p.fiscal_year}",
        p.get_status_display(),
        p.scope_label,
        p.scope_text,
        p.pd_number,
        p.fr_citation,
        versions[-1].text if versions else "",
    )
    return Document(str(p.pk), f"{p.number} {p.title}", body, reverse("determinations:detail", args=[p.pk]))


def _determinations_visible(user: Any, ids: list[str]) -> set[str]:
    from secassist.determinations import selectors as determination_selectors

    return _visible_in(determination_selectors.packages)(user, ids)


# --- budget requests (formulation) -----------------------------------------------------------------


def _request_stages() -> QuerySet[Any]:
    from secassist.formulation.models import RequestStage

    return RequestStage.objects.select_related("cycle").prefetch_related("lines__account", "lines__comments")


def _request_stage_doc(s: Any) -> Document:
    lines = list(s.lines.all())
    body = _join(
        s.basis_note,
        "; ".join(f"{ln.recipient_name} {ln.account.code} {ln.justification}" for ln in lines),
        "; ".join(c.text for ln in lines for c in ln.comments.all()),
    )
    title = f"FY{s.cycle.budget_fiscal_year} budget request — {s}"
    return Document(str(s.pk), title, body, reverse("formulation:stage", args=[s.cycle_id, s.pk]))


def _request_stages_visible(user: Any, ids: list[str]) -> set[str]:
    from secassist.formulation.access import may_view

    return set(ids) if may_view(user) else set()


def _postures() -> QuerySet[Any]:
    from secassist.plans.models import PostureChangeRequest

    return PostureChangeRequest.objects.select_related("country")


def _posture_doc(p: Any) -> Document:
    body = _join(p.country.name, p.change, p.dod_sponsor, p.foreign_policy_implications, p.decision_note)
    return Document(str(p.pk), p.title, body, reverse("plans:posture-detail", args=[p.pk]))


def _plans_selector(name: str) -> Callable[[Any], QuerySet[Any]]:
    def selector(user: Any) -> QuerySet[Any]:
        from secassist.plans import selectors as plans_selectors

        return getattr(plans_selectors, name)(user)

    return selector


SOURCES: tuple[Source, ...] = (
    Source(
        "country",
        "Country",
        frozenset({"reference.country", "reference.countryalias"}),
        _countries,
        _country_doc,
        _readable_by_every_role,
    ),
    Source(
        "notification",
        "Congressional notification",
        frozenset({"congress.package"}),
        _packages,
        _package_doc,
        _readable_by_every_role,
    ),
    Source("proposal", "Title 10 proposal", frozenset({"title10.proposal"}), _proposals, _proposal_doc, _readable_by_every_role),
    Source(
        "waiver", "Waiver or determination", frozenset({"restrictions.waiver"}), _waivers, _waiver_doc, _readable_by_every_role
    ),
    Source(
        "designation",
        "Designation",
        frozenset({"restrictions.designation"}),
        _designations,
        _designation_doc,
        _readable_by_every_role,
    ),
    Source(
        "plan",
        "Planning product",
        frozenset({"plans.planningproduct"}),
        _products,
        _product_doc,
        _visible_in(_plans_selector("products")),
    ),
    Source("tasker", "Plans tasker", frozenset({"plans.tasker"}), _taskers, _tasker_doc, _visible_in(_plans_selector("taskers"))),
    Source("comment", "Plan comment", frozenset({"plans.comment"}), _comments, _comment_doc, _comments_visible),
    Source(
        "engagement",
        "Engagement",
        frozenset({"plans.engagement"}),
        _engagements,
        _engagement_doc,
        _visible_in(_plans_selector("engagements")),
    ),
    Source(
        "analysis",
        "Analysis or recommendation",
        frozenset({"plans.analysisproduct"}),
        _analyses,
        _analysis_doc,
        _visible_in(_plans_selector("analyses")),
    ),
    Source(
        "determination",
        "Determination package",
        frozenset({"determinations.determinationpackage"}),
        _determinations,
        _determination_doc,
        _determinations_visible,
    ),
    Source(
        "budget_request",
        "Budget request stage",
        # Line and cycle events name no stage: they re-index the whole (small) kind.
        frozenset({"formulation.requeststage", "formulation.requestline", "formulation.requestcycle"}),
        _request_stages,
        _request_stage_doc,
        _request_stages_visible,
    ),
    Source(
        "posture",
        "Posture change",
        frozenset({"plans.posturechangerequest"}),
        _postures,
        _posture_doc,
        _visible_in(_plans_selector("posture_changes")),
    ),
)

BY_KIND: dict[str, Source] = {s.kind: s for s in SOURCES}
KINDS: tuple[str, ...] = tuple(BY_KIND)


def sources_for_object_type(object_type: str) -> Iterable[Source]:
    return (s for s in SOURCES if object_type in s.object_types)


def model_label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"
