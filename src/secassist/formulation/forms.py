from __future__ import annotations

from django import forms

from secassist.budget.selectors import LINE_MEASURES

from .models import StageBasis


class CycleForm(forms.Form):
    budget_fiscal_year = forms.IntegerField(label="Budget fiscal year", help_text="the year the request is for, e.g. 2029")
    title = forms.CharField(required=False, max_length=200)


class StageForm(forms.Form):
    kind = forms.ChoiceField(label="Stage", choices=())
    basis = forms.ChoiceField(label="Lines from", choices=StageBasis.choices, initial=StageBasis.PREVIOUS)
    actuals_fiscal_year = forms.IntegerField(
        label="Actuals fiscal year", required=False, help_text="for a roll-forward: the year of the ledger or the Greenbook"
    )
    measure = forms.ChoiceField(
        label="Ledger measure",
        choices=[(m, m) for m in LINE_MEASURES],
        initial="obligated",
        help_text="for a ledger roll-forward",
    )
    change_pct = forms.DecimalField(
        label="Change (%)", initial=0, max_digits=6, decimal_places=1, help_text="applied to each rolled line"
    )

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class LineForm(forms.Form):
    recipient = forms.CharField(max_length=200, help_text="ISO3 country code (e.g. JOR) or a regional program's name")
    program = forms.CharField(max_length=10, help_text="FMF, IMET, PKO …")
    amount = forms.CharField(max_length=30, help_text="dollars and cents, e.g. 425000000.00")
    priority = forms.IntegerField(min_value=1, max_value=999, help_text="1 is the highest")
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(required=False, max_length=2000, help_text="why it changes (kept in the audit trail)")


class ImportForm(forms.Form):
    file = forms.FileField(label="XLSX file", help_text="columns recipient, program, amount, priority, justification")


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 2}))


class SeedForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000, help_text="what you checked")
