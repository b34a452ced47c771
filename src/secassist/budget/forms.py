"""Forms of the funds pages: they parse; services decide. A refusal is attached to its field."""

from __future__ import annotations

from django import forms

from secassist.core.errors import DomainError

from .models import AllocationStatus, AppropriationKind, EarmarkKind, EntryType, RecipientKind

MONEY_HELP = "US dollars, e.g. 1250000.00"


class AppropriationForm(forms.Form):
    account = forms.ChoiceField(choices=[("FMF", "FMF"), ("IMET", "IMET"), ("PKO", "PKO")])
    fiscal_year = forms.IntegerField(min_value=1946, max_value=2100)
    public_law = forms.CharField(max_length=60, help_text="e.g. P.L. 118-47")
    section = forms.CharField(max_length=120, required=False, help_text="division, title and heading")
    kind = forms.ChoiceField(choices=AppropriationKind.choices)
    enacted_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(help_text=MONEY_HELP)
    years_available = forms.IntegerField(
        required=False, min_value=1, max_value=10, help_text="blank: the account's default (reference data)"
    )
    program_code = forms.CharField(max_length=10, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DatesForm(forms.Form):
    obligation_period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reobligation_window_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    cancellation_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=2000, help_text="why the act's dates differ from the computed ones")


class EarmarkForm(forms.Form):
    kind = forms.ChoiceField(choices=EarmarkKind.choices)
    country = forms.CharField(max_length=3, required=False, help_text="ISO3, e.g. ISR")
    purpose = forms.CharField(max_length=200, required=False)
    amount = forms.CharField(help_text=MONEY_HELP)
    citation = forms.CharField(max_length=300, help_text="the act's words and section")


class AllocationForm(forms.Form):
    recipient_kind = forms.ChoiceField(choices=RecipientKind.choices)
    recipient = forms.CharField(max_length=200, help_text="ISO3 for a country; the region's name; or the organization's name")
    purpose = forms.CharField(max_length=200, required=False)
    amount = forms.CharField(help_text=MONEY_HELP, initial="0")
    notification_required = forms.BooleanField(required=False, initial=True)
    reason = forms.CharField(max_length=2000, required=False)
    earmark_override = forms.BooleanField(required=False, help_text="only with a reason; audited")


class PostingForm(forms.Form):
    entry_type = forms.ChoiceField(choices=[c for c in EntryType.choices if c[0] not in ("appropriate", "expire", "cancel")])
    amount = forms.CharField(help_text=MONEY_HELP)
    to_allocation = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, help_text="reallocate / reprogram only; blank: back to unallocated"
    )
    effective_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="blank: today")
    document_type = forms.CharField(max_length=40, required=False, help_text="e.g. 632(b) MOA, SF 132, LOA")
    document_ref = forms.CharField(max_length=120, required=False)
    reason = forms.CharField(max_length=2000, required=False)
    earmark_override = forms.BooleanField(required=False, help_text="only with a reason; audited")

    def __init__(self, *args: object, targets: list[tuple[int, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_allocation"].choices = [("", "— none —"), *(targets or [])]  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=AllocationStatus.choices)
    reason = forms.CharField(max_length=2000, required=False)


class NotificationForm(forms.Form):
    notification_required = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=2000)


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class Submit653aForm(forms.Form):
    submitted_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def attach(form: forms.Form, exc: DomainError) -> None:
    """Tie a refusal to the field it names (or to the form as a whole); one naming several fields
    (core.errors.raise_all) marks each of them."""
    several = exc.details.get("errors")
    if several:
        for error in several:
            name = error.get("field")
            form.add_error(name if name in form.fields else None, error.get("message", ""))
        return
    field = exc.details.get("field")
    if field == "to_allocation_id":
        field = "to_allocation"
    form.add_error(field if field in form.fields else None, explain(exc))


def explain(exc: DomainError) -> str:
    """The refusal as shown on a page: the rule's message and, for a rule, its citation."""
    citation = exc.details.get("citation")
    return f"{exc.message} (Authority: {citation})" if citation else exc.message
