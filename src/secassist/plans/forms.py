"""Forms parse and label input; the services decide. A DomainError from a service is put back on
the field it names (`attach_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from secassist.core.errors import DomainError
from secassist.reference.models import Bureau, Cocom

from .models import (
    ActionStatus,
    Adjudication,
    Classification,
    CommentType,
    CoordinationStatus,
    Dissemination,
    EngagementKind,
    LinkKind,
    OwnerKind,
    PlanningProduct,
    PostureDecision,
    ProductType,
)
from .services import taskable_offices

UNCLASSIFIED_HELP = "Unclassified only: text with classification markings is refused (rule PLN-001)."


class UswdsForm(forms.Form):
    """Adds USWDS classes, and ties each field's error message to its input (aria-describedby)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css_by_widget: dict[type, str] = {
                forms.Select: "usa-select",
                forms.SelectMultiple: "usa-select",
                forms.Textarea: "usa-textarea",
                forms.CheckboxSelectMultiple: "",
                forms.ClearableFileInput: "usa-file-input",
            }
            css = css_by_widget.get(type(widget), "usa-input")
            if css:
                widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                ids = [f"{name}-error"] + ([f"{name}-hint"] if self.fields[name].help_text else [])
                widget.attrs["aria-describedby"] = " ".join(ids)
                widget.attrs["aria-invalid"] = "true"
                if "usa-input--error" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " usa-input--error").strip()

    def attach_error(self, exc: DomainError) -> None:
        """Show a service refusal on the field it names (or above the form), with its rule code."""
        field = exc.details.get("field")
        message = exc.message + (f" [{exc.code}]" if exc.code.startswith("PLN-") else "")
        if isinstance(field, str) and field in self.fields:
            self.add_error(field, message)
        else:
            self.add_error(None, message)
        self._mark_errors()


DATE = forms.DateInput(attrs={"type": "date"})


def _codes(value: str) -> list[str]:
    return [c for c in value.replace(";", ",").replace(" ", ",").split(",") if c]


class ProductForm(UswdsForm):
    title = forms.CharField(max_length=300, help_text="The unclassified short title. " + UNCLASSIFIED_HELP)
    product_type = forms.ChoiceField(choices=ProductType.choices, label="Type")
    owner_kind = forms.ChoiceField(choices=OwnerKind.choices, label="Owner")
    owner_ccmd = forms.ChoiceField(
        choices=[("", "— not a combatant command —"), *Cocom.choices],
        required=False,
        label="Combatant command (when the owner is a CCMD)",
    )
    version = forms.CharField(max_length=60, required=False)
    classification = forms.ChoiceField(
        choices=Classification.choices,
        label="Classification of the product",
        help_text="The product's marking only. Its text is never entered here.",
    )
    dissemination = forms.ChoiceField(choices=Dissemination.choices, required=False, label="Dissemination control")
    classified_text_location = forms.CharField(
        max_length=300,
        required=False,
        label="Where the classified text lives",
        help_text="e.g. the SIPRNet library or safe holding the product. Required for classified products.",
    )
    summary = forms.CharField(widget=forms.Textarea, required=False, label="Unclassified summary", help_text=UNCLASSIFIED_HELP)
    countries = forms.CharField(required=False, label="Countries (ISO3 codes, comma-separated)", help_text="e.g. KEN, GHA, SOM")
    regions = forms.MultipleChoiceField(
        choices=Bureau.choices, required=False, widget=forms.CheckboxSelectMultiple, label="State regional bureaus concerned"
    )
    review_opens_on = forms.DateField(required=False, widget=DATE)
    review_closes_on = forms.DateField(required=False, widget=DATE)

    @classmethod
    def initial_for(cls, product: PlanningProduct) -> dict[str, Any]:
        return {
            **{f: getattr(product, f) for f in cls.base_fields if f != "countries"},
            "countries": ", ".join(product.countries.values_list("iso3", flat=True)),
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["countries"] = _codes(data.get("countries", ""))
        return data


class LinkForm(UswdsForm):
    kind = forms.ChoiceField(choices=LinkKind.choices, label="Link to")
    label = forms.CharField(max_length=300, help_text="e.g. the proposal or program name")
    subject_type = forms.CharField(
        max_length=60,
        required=False,
        label="Record type in secassist (optional)",
        help_text="e.g. title10.proposal or budget.program",
    )
    subject_id = forms.CharField(max_length=64, required=False, label="Record id in secassist (optional)")
    url = forms.CharField(max_length=300, required=False, label="Address (a secassist path or https://)")
    element = forms.CharField(
        max_length=300,
        required=False,
        label="Plan element it advances",
        help_text="Line of effort or objective, unclassified wording only.",
    )


def _dsp_leads() -> list[tuple[str, str]]:
    users = get_user_model().objects.filter(is_active=True, role__in=["dsp_analyst", "admin"]).order_by("username")
    return [("", "— choose —"), *[(str(u.pk), u.get_full_name() or u.username) for u in users]]


class TaskerForm(UswdsForm):
    dod_reference = forms.CharField(max_length=100, required=False, label="DoD tasker number")
    requested_by = forms.CharField(max_length=200, required=False, label="Requested by (DoD office)")
    received_on = forms.DateField(widget=DATE)
    due_on = forms.DateField(widget=DATE, label="DoD's due date")
    office_due_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Office comments due (suspense)",
        help_text="On or before DoD's due date. Reminders start 3 business days before.",
    )
    state_lead = forms.ChoiceField(choices=(), required=False, label="State lead")
    offices = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Offices tasked")
    instructions = forms.CharField(widget=forms.Textarea, required=False, help_text=UNCLASSIFIED_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state_lead"].choices = _dsp_leads()  # type: ignore[attr-defined]
        self.fields["offices"].choices = [(o.code, f"{o.code} — {o.name}") for o in taskable_offices()]  # type: ignore[attr-defined]


class CommentForm(UswdsForm):
    office = forms.ChoiceField(choices=(), label="Office")
    page = forms.CharField(max_length=20, required=False)
    paragraph = forms.CharField(max_length=40, required=False)
    line = forms.CharField(max_length=20, required=False)
    comment_type = forms.ChoiceField(
        choices=CommentType.choices,
        label="Type",
        help_text="Critical: State cannot concur unless resolved. Substantive: an error or gap. Administrative: wording, format.",
    )
    comment = forms.CharField(widget=forms.Textarea, help_text=UNCLASSIFIED_HELP)
    rationale = forms.CharField(widget=forms.Textarea, required=False, help_text="Required for a critical comment.")
    proposed_change = forms.CharField(widget=forms.Textarea, required=False, label="Proposed change")

    def __init__(self, *args: Any, offices: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = list(offices)  # type: ignore[attr-defined]


class ImportForm(UswdsForm):
    matrix = forms.FileField(label="Comment matrix (XLSX)", help_text="The layout of the downloaded template.")


class AdjudicateForm(UswdsForm):
    adjudication = forms.ChoiceField(choices=[c for c in Adjudication.choices if c[0]])
    dod_response = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="DoD response",
        help_text="Required when accepted with modification or rejected.",
    )


class PostureForm(UswdsForm):
    title = forms.CharField(max_length=300, help_text=UNCLASSIFIED_HELP)
    country = forms.CharField(max_length=3, label="Country (ISO3)")
    change = forms.CharField(widget=forms.Textarea, label="Proposed change (unclassified description)")
    dod_sponsor = forms.CharField(max_length=200, label="DoD sponsor")
    host_nation_agreements = forms.CharField(
        widget=forms.Textarea, required=False, label="State equities: host-nation agreements"
    )
    foreign_policy_implications = forms.CharField(
        widget=forms.Textarea, required=False, label="State equities: foreign-policy implications"
    )
    coordination_status = forms.ChoiceField(choices=[c for c in CoordinationStatus.choices if c[0] != "decided"])
    received_on = forms.DateField(widget=DATE)
    product = forms.ModelChoiceField(queryset=PlanningProduct.objects.all(), required=False, label="Related plan")


class DecideForm(UswdsForm):
    decision = forms.ChoiceField(choices=[c for c in PostureDecision.choices if c[0]])
    decision_on = forms.DateField(widget=DATE, label="Decided on")
    note = forms.CharField(widget=forms.Textarea, required=False, label="Note (conditions, rationale)")


class EngagementForm(UswdsForm):
    kind = forms.ChoiceField(choices=EngagementKind.choices)
    title = forms.CharField(max_length=300, help_text=UNCLASSIFIED_HELP)
    held_on = forms.DateField(widget=DATE, label="Date")
    location = forms.CharField(max_length=200, required=False)
    participants = forms.CharField(widget=forms.Textarea, required=False)
    outputs = forms.CharField(widget=forms.Textarea, required=False, label="Outputs and decisions")
    product = forms.ModelChoiceField(queryset=PlanningProduct.objects.all(), required=False, label="Related plan")
    countries = forms.CharField(required=False, label="Countries (ISO3 codes, comma-separated)")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["countries"] = _codes(data.get("countries", ""))
        return data


class ActionItemForm(UswdsForm):
    description = forms.CharField(max_length=500)
    owner = forms.ChoiceField(choices=())
    due_on = forms.DateField(widget=DATE, label="Due")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .services import ACTION_OWNER_ROLES

        users = get_user_model().objects.filter(is_active=True, role__in=ACTION_OWNER_ROLES).order_by("username")
        self.fields["owner"].choices = [("", "— choose —"), *[(u.username, u.username) for u in users]]  # type: ignore[attr-defined]


class ActionStatusForm(UswdsForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(required=False, max_length=1000)
