"""Extension points the domain apps fill in their AppConfig.ready().

Core knows none of the apps; the apps register what they contribute: importers for
`secassist import KIND`, exporters, demo-data steps, counts on the home page and sections of the
country page. Lower layers never import higher ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Importer:
    kind: str
    help: str
    run: Callable[..., Any]  # run(path, *, acting_user, progress) -> summary dict
    default_path: Callable[[], Any] | None = None


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[..., Any]  # run(*, acting_user, stdout) -> None; must be idempotent


@dataclass(frozen=True)
class ReferenceStep:
    name: str
    order: int
    run: Callable[..., Any]  # run(*, acting_user) -> dict summary; idempotent; product data every install needs


@dataclass(frozen=True)
class CountrySection:
    name: str
    order: int
    template: str
    context: Callable[..., dict[str, Any]]  # context(country, user) -> dict
    # True: context(country, user, params=request.GET) — a section with its own query options (e.g. ?fy=)
    takes_params: bool = False


@dataclass(frozen=True)
class HomeCount:
    label: str
    order: int
    count: Callable[..., int]  # count(user) -> int
    url_name: str | None = None
    # True: the same number for every user (count(None)); computed once per state and shared (ADR 1003)
    shared: bool = False


@dataclass(frozen=True)
class HomePanel:
    name: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]  # context(user) -> dict, or None to hide


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: Any  # datetime.timedelta: the period; the scheduler enqueues the job once per period
    task: Any  # a django-tasks Task (made with core.jobs.job), called with no arguments


@dataclass(frozen=True)
class ApprovalAct:
    """An act that may need a second person's approval (maker-checker, see ADR 0700).

    The owning app registers it; `approvals` calls `on_approve(request=, acting_user=)` in the
    approving transaction to carry the act out, `on_return(request=, acting_user=)` when the
    checker sends it back, and `current_version(request)` (if given) to refuse approving a
    proposal whose document changed since it was proposed. `default_roles` seed the
    administrator-editable policy the first time the act is seen.
    """

    act: str
    label: str
    default_roles: tuple[str, ...]
    on_approve: Callable[..., Any]
    on_return: Callable[..., Any] | None = None
    current_version: Callable[..., str] | None = None
    default_threshold: Any = None  # Decimal: below it the act needs no approval (None: always)


@dataclass(frozen=True)
class VersionedDocument:
    """A document that offices clear, kept as immutable versions by `clearances.versions` (ADR 0740).

    `subject_type` is "app_label.model_name" of the record the clearances are asked on.
    `snapshot(subject)` returns the document's text as `[(key, label, text), ...]` in document order:
    everything the clearing offices read, nothing that changes by itself (status, today's date).
    `load(user, subject_id)` returns the record for a user (raising Http404 for missing and not-yours),
    `url(subject)` the record's page. `label` names the document ("CN text and transmittal letters").
    """

    subject_type: str
    label: str
    snapshot: Callable[[Any], list[tuple[str, str, str]]]
    load: Callable[[Any, str], Any]
    url: Callable[[Any], str]


@dataclass
class Registry:
    importers: dict[str, Importer] = field(default_factory=dict)
    exporters: dict[str, Importer] = field(default_factory=dict)
    demo_steps: list[DemoStep] = field(default_factory=list)
    reference_steps: list[ReferenceStep] = field(default_factory=list)
    country_sections: list[CountrySection] = field(default_factory=list)
    home_counts: list[HomeCount] = field(default_factory=list)
    home_panels: list[HomePanel] = field(default_factory=list)
    services: dict[str, Callable[..., Any]] = field(default_factory=dict)
    periodic_jobs: list[PeriodicJob] = field(default_factory=list)
    approval_acts: dict[str, ApprovalAct] = field(default_factory=dict)
    versioned_documents: dict[str, VersionedDocument] = field(default_factory=dict)
    # Need-to-know record type ("app_label.model") -> selector(user) giving the records `user` may read
    # (accounts.scoping). Records that name such a record by type and id (approval requests) ask it.
    scoped_selectors: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def add_importer(self, importer: Importer) -> None:
        self.importers[importer.kind] = importer

    def add_exporter(self, exporter: Importer) -> None:
        self.exporters[exporter.kind] = exporter

    def add_demo_step(self, step: DemoStep) -> None:
        if all(s.name != step.name for s in self.demo_steps):
            self.demo_steps.append(step)
            self.demo_steps.sort(key=lambda s: s.order)

    def add_reference_step(self, step: ReferenceStep) -> None:
        if all(s.name != step.name for s in self.reference_steps):
            self.reference_steps.append(step)
            self.reference_steps.sort(key=lambda s: s.order)

    def add_country_section(self, section: CountrySection) -> None:
        if all(s.name != section.name for s in self.country_sections):
            self.country_sections.append(section)
            self.country_sections.sort(key=lambda s: s.order)

    def add_home_count(self, count: HomeCount) -> None:
        if all(c.label != count.label for c in self.home_counts):
            self.home_counts.append(count)
            self.home_counts.sort(key=lambda c: c.order)

    def add_home_panel(self, panel: HomePanel) -> None:
        if all(p.name != panel.name for p in self.home_panels):
            self.home_panels.append(panel)
            self.home_panels.sort(key=lambda p: p.order)

    def add_periodic_job(self, job: PeriodicJob) -> None:
        if all(j.name != job.name for j in self.periodic_jobs):
            self.periodic_jobs.append(job)

    def add_approval_act(self, act: ApprovalAct) -> None:
        self.approval_acts[act.act] = act

    def add_versioned_document(self, document: VersionedDocument) -> None:
        self.versioned_documents[document.subject_type] = document

    def add_scoped_selector(self, record_type: str, selector: Callable[[Any], Any]) -> None:
        self.scoped_selectors[record_type] = selector

    def provide(self, name: str, fn: Callable[..., Any]) -> None:
        """A higher app offers a service a lower or sibling app may call (see docs/DEVELOPING.md)."""
        self.services[name] = fn

    def service(self, name: str) -> Callable[..., Any] | None:
        return self.services.get(name)


registry = Registry()
