from __future__ import annotations

from django import forms

from secassist.restrictions.models import Waiver


class PackageForm(forms.Form):
    dtype = forms.ChoiceField(label="Determination", choices=())
    country = forms.CharField(max_length=3, help_text="ISO3 code, e.g. SOM")
    fiscal_year = forms.IntegerField(label="Fiscal year decided")
    kind = forms.ChoiceField(choices=Waiver.Kind.choices, initial=Waiver.Kind.WAIVER)
    scope_all = forms.BooleanField(label="All covered programs", required=False)
    scope_programs = forms.CharField(required=False, help_text="program codes separated by commas (FMF, IMET, 10USC333 …)")
    scope_text = forms.CharField(required=False, max_length=400, help_text="what the waiver allows, in words")
    title = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: object, dtypes: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["dtype"].choices = dtypes  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    text = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 8}))
    change_note = forms.CharField(required=False, max_length=300, help_text="what changed since the last version")


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    note = forms.CharField(required=False, max_length=2000)


class SignatureForm(forms.Form):
    signed_by = forms.CharField(max_length=120, help_text="name and title of the signer")
    signed_on = forms.DateField(help_text="YYYY-MM-DD", widget=forms.DateInput(attrs={"type": "date"}))
    signature_document = forms.CharField(max_length=300, help_text="the signed document (title or number)")
    signature_url = forms.CharField(required=False, max_length=400, help_text="https link to the document (optional)")
    pd_number = forms.CharField(required=False, max_length=40, label="Presidential determination number")


class NoticeForm(forms.Form):
    sent_on = forms.DateField(label="Notice sent on", widget=forms.DateInput(attrs={"type": "date"}))


class PublicationForm(forms.Form):
    fr_citation = forms.CharField(label="Federal Register citation", max_length=60, help_text="e.g. 90 FR 12345")
    published_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    fr_url = forms.CharField(required=False, max_length=400, label="Federal Register link (https)")


class CalendarForm(forms.Form):
    year = forms.IntegerField(min_value=1990, max_value=2100)
