"""Forms of the restrictions pages: parse and type-check; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from secassist.core.safe_url import validate_safe_url

from .engine import PURPOSES, RECIPIENTS
from .models import Assessment, Designation, Restriction, SecurityForceUnit, Waiver


def _restriction_choices() -> list[tuple[str, str]]:
    return [(r.key, f"{r.rule_code} {r.short_name} — {r.citation}") for r in Restriction.objects.filter(is_active=True)]


class CheckForm(forms.Form):
    country = forms.CharField(max_length=3, label="Country (ISO3 code)", help_text="e.g. SOM, TUR, CUB")
    program = forms.CharField(
        max_length=30, label="Program", help_text="FMF, IMET, PKO or a Title 10 authority code such as 10USC333"
    )
    fiscal_year = forms.IntegerField(label="Fiscal year", min_value=1946, max_value=2100)
    on_date = forms.DateField(
        required=False,
        label="Date of the action",
        help_text="YYYY-MM-DD; default today",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    recipient = forms.ChoiceField(choices=[(r, r.replace("_", " ")) for r in RECIPIENTS], initial="government")
    purpose = forms.ChoiceField(choices=[(p, p.replace("_", " ")) for p in PURPOSES], initial="general")
    units = forms.CharField(required=False, label="Unit ids", help_text="registered unit ids, separated by commas")

    def unit_list(self) -> list[str]:
        return [u.strip() for u in (self.cleaned_data.get("units") or "").split(",") if u.strip()]


class DesignationForm(forms.Form):
    restriction = forms.ChoiceField(choices=())
    country = forms.CharField(max_length=3, label="Country (ISO3 code)")
    status = forms.CharField(max_length=200, help_text="e.g. designated, in default, coup determination")
    effect = forms.ChoiceField(choices=Designation.Effect.choices, initial="prohibits")
    fiscal_year = forms.IntegerField(required=False, min_value=1946, max_value=2100, help_text="for FY-scoped restrictions")
    effective_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="first day in force (required unless FY-scoped)"
    )
    ended_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="first day no longer in force"
    )
    source_document = forms.CharField(max_length=400, help_text="the determination, Federal Register notice or report relied on")
    source_url = forms.CharField(
        required=False, max_length=400, validators=[validate_safe_url], help_text="https:// address of the document"
    )
    pd_number = forms.CharField(required=False, max_length=40, label="PD number")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["restriction"].choices = _restriction_choices()  # type: ignore[attr-defined]


class WaiverForm(forms.Form):
    restriction = forms.ChoiceField(choices=())
    country = forms.CharField(max_length=3, label="Country (ISO3 code)")
    kind = forms.ChoiceField(choices=Waiver.Kind.choices, initial="waiver")
    scope_all = forms.BooleanField(required=False, label="Covers every program the restriction reaches")
    scope_programs = forms.CharField(
        required=False, label="Programs in scope", help_text="codes separated by semicolons, e.g. IMET; PKO; 10USC333"
    )
    scope_text = forms.CharField(required=False, max_length=400, label="Scope as worded in the document")
    fiscal_year = forms.IntegerField(
        required=False, min_value=1946, max_value=2100, help_text="FY-scoped waivers end with the fiscal year"
    )
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="last day in force")
    legal_authority = forms.CharField(max_length=200)
    signed_by = forms.CharField(required=False, max_length=120)
    signed_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pd_number = forms.CharField(required=False, max_length=40, label="PD number")
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cn_due_on = forms.DateField(required=False, label="Congressional notice due", widget=forms.DateInput(attrs={"type": "date"}))
    cn_sent_on = forms.DateField(
        required=False, label="Congressional notice sent", widget=forms.DateInput(attrs={"type": "date"})
    )
    public = forms.BooleanField(required=False, initial=True, label="Published (Federal Register / White House)")
    source_document = forms.CharField(max_length=400)
    source_url = forms.CharField(
        required=False, max_length=400, validators=[validate_safe_url], help_text="https:// address of the document"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["restriction"].choices = _restriction_choices()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["scope_programs"] = [
            p.strip().upper().replace(" ", "") for p in (data.get("scope_programs") or "").split(";") if p.strip()
        ]
        return data


class EndDesignationForm(forms.Form):
    ended_on = forms.DateField(label="First day no longer in force", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=300, help_text="the rescission, certification or removal relied on")


class EndWaiverForm(forms.Form):
    ended_on = forms.DateField(label="First day no longer in force", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        max_length=300, help_text="the revocation relied on, or why the entry was recorded in error (then record the right one)"
    )


class UnitForm(forms.Form):
    country = forms.CharField(max_length=3, label="Country (ISO3 code)")
    name = forms.CharField(max_length=200)
    aliases = forms.CharField(required=False, max_length=400, help_text="other names, separated by semicolons")
    force_type = forms.ChoiceField(choices=SecurityForceUnit.ForceType.choices)
    invest_request_id = forms.CharField(required=False, max_length=60, label="INVEST request id")
    vetting_status = forms.ChoiceField(choices=SecurityForceUnit.Vetting.choices, initial="not_vetted")
    vetted_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    vetting_expires_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    credible_information = forms.BooleanField(required=False, label="Credible information of a gross violation of human rights")
    finding_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    finding_summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remediation_status = forms.ChoiceField(choices=SecurityForceUnit.Remediation.choices, initial="none")
    public_list = forms.BooleanField(required=False, label="On the public list of barred units")


class AssessmentForm(forms.Form):
    restriction = forms.ChoiceField(choices=())
    country = forms.CharField(max_length=3, label="Country (ISO3 code)")
    fiscal_year = forms.IntegerField(min_value=1946, max_value=2100)
    conclusion = forms.ChoiceField(choices=Assessment.Conclusion.choices)
    basis = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="what was checked, with whom, and why the conclusion follows (e.g. F's Brooke list of 1 Oct)",
    )
    source_document = forms.CharField(max_length=400, help_text="the list, cable, memo or public document relied on")
    source_url = forms.CharField(
        required=False, max_length=400, validators=[validate_safe_url], help_text="https:// address of the document"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(k, v) for k, v in _restriction_choices() if not k.endswith(("-620m", "-362"))]
        self.fields["restriction"].choices = choices  # type: ignore[attr-defined]
