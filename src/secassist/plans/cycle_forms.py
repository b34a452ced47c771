"""Forms of the DSP events calendar and analysis products (parse and label; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from secassist.reference.models import Cocom

from .forms import DATE, UNCLASSIFIED_HELP, EngagementForm, UswdsForm, _codes
from .models import AnalysisKind, EngagementKind

EVENT_KINDS = [(k, label) for k, label in EngagementKind.choices if k != EngagementKind.WG3D]


class EventForm(EngagementForm):
    kind = forms.ChoiceField(choices=EVENT_KINDS)
    ends_on = forms.DateField(widget=DATE, required=False, label="Last day (multi-day events)")
    cocom = forms.ChoiceField(choices=[("", "—"), *Cocom.choices], required=False, label="Combatant command")

    field_order = ["kind", "title", "held_on", "ends_on", "location", "cocom", "product", "countries", "participants", "outputs"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["product"] = data["product"] or None
        return data


class EventFilterForm(forms.Form):
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")
    kind = forms.ChoiceField(required=False, choices=[("", "all"), *EngagementKind.choices])
    cocom = forms.ChoiceField(required=False, choices=[("", "all"), *Cocom.choices], label="COCOM")


class NoteForm(UswdsForm):
    op = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AttendeeForm(UswdsForm):
    name = forms.CharField(required=False, max_length=200, help_text="a person's name, or leave blank and give a username")
    username = forms.CharField(required=False, max_length=150)
    office = forms.CharField(required=False, max_length=20, help_text="office code, e.g. PM/SA-DSP")
    role = forms.CharField(required=False, max_length=200)


class AfterActionForm(UswdsForm):
    notes = forms.CharField(widget=forms.Textarea, label="After-action notes", help_text=UNCLASSIFIED_HELP)


class AnalysisForm(UswdsForm):
    kind = forms.ChoiceField(choices=AnalysisKind.choices)
    title = forms.CharField(max_length=300, help_text=UNCLASSIFIED_HELP)
    issue = forms.CharField(widget=forms.Textarea, help_text="the emergent issue, in a few sentences")
    addressee = forms.CharField(max_length=200, help_text="who it goes to, e.g. PM Assistant Secretary")
    countries = forms.CharField(required=False, label="Countries (ISO3 codes, comma-separated)")
    products = forms.CharField(required=False, label="Related plans (ids, comma-separated)")
    posture_changes = forms.CharField(required=False, label="Related posture changes (ids, comma-separated)")
    clearing_offices = forms.CharField(required=False, label="Clearing offices (codes, comma-separated)")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("countries", "clearing_offices"):
            data[name] = _codes(data.get(name, ""))
        for name in ("products", "posture_changes"):
            codes = _codes(data.get(name, ""))
            bad = [c for c in codes if not c.isdigit()]
            if bad:
                from secassist.core.errors import InvalidInput

                raise InvalidInput(f"{name}: ids must be numbers ({', '.join(bad)})", field=name)
            data[name] = [int(c) for c in codes]
        return data


class VersionForm(UswdsForm):
    text = forms.CharField(widget=forms.Textarea, label="Text", help_text=UNCLASSIFIED_HELP)
    change_note = forms.CharField(required=False, max_length=300)


class TransitionForm(UswdsForm):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=2000)


class DeliveryForm(UswdsForm):
    delivered_on = forms.DateField(widget=DATE)
    decision = forms.CharField(widget=forms.Textarea, help_text="the decision leadership took")
    decided_by = forms.CharField(max_length=200, help_text="who decided (name and title)")
    decision_on = forms.DateField(widget=DATE, required=False, help_text="default: the delivery date")
