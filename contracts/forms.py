"""Forms for the Danish UI. They only shape input; the services decide (and their errors land on the fields)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import (
    ELIGIBILITY_ITEMS,
    REFERRAL_SOURCES_BY_SECTOR,
    ConsentScope,
    DiagnosisGroup,
    EndReason,
    MunicipalServices,
    ReferralSource,
    TreatmentResponsibility,
)
from psykiatrihus.forms import TEXT_MAX_LENGTH, WindowDateField
from psykiatrihus.models import Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO_UNKNOWN = [("", _("Ikke angivet")), ("yes", _("Ja")), ("no", _("Nej"))]


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the matching field (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == "reason" and "end_reason" in form.fields:
                target = "end_reason"
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _referral_choices(sectors) -> list[tuple[str, str]]:
    allowed = {s for sector in sectors for s in REFERRAL_SOURCES_BY_SECTOR[Sector(sector)]}
    return [("", _("Vælg"))] + [(v, label) for v, label in ReferralSource.choices if v in allowed]


class ContractContentForm(forms.Form):
    """The contract's content; which sector-specific parts show depends on the sector(s) and health access."""

    referral_source = forms.ChoiceField(label=_("Henvisningsvej"), required=False)
    stay_frame_nights = forms.IntegerField(label=_("Individuel opholdsramme (nætter)"), required=False, min_value=0,
                                           help_text=_("Tom: husets ramme gælder."))
    review_on = WindowDateField(label=_("Revurderes senest"), required=False, widget=DATE)
    crisis_what_helps = forms.CharField(label=_("Kriseplan: hvad hjælper"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)
    crisis_warning_signs = forms.CharField(label=_("Kriseplan: advarselstegn"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)
    crisis_who_to_call = forms.CharField(label=_("Kriseplan: hvem kontaktes"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)
    municipal_services = forms.ChoiceField(label=_("Kommunale tilbud ved siden af"), required=False,
                                           choices=[("", _("Ikke angivet"))] + list(MunicipalServices.choices))
    resident_in_municipality = forms.BooleanField(label=_("Bosat i kommunen"), required=False)
    diagnosis_group = forms.ChoiceField(label=_("Diagnosegruppe"), required=False,
                                        choices=[("", _("Ikke angivet"))] + list(DiagnosisGroup.choices))
    psychiatric_comorbidity = forms.ChoiceField(label=_("Psykiatrisk komorbiditet"), required=False,
                                                choices=YES_NO_UNKNOWN)
    treatment_responsibility = forms.ChoiceField(
        label=_("Behandlingsansvar"), required=False,
        choices=[("", _("Ikke angivet"))] + list(TreatmentResponsibility.choices))

    MUNICIPAL = ("municipal_services", "resident_in_municipality")
    HEALTH = ("diagnosis_group", "psychiatric_comorbidity", "treatment_responsibility")

    def __init__(self, *args, sectors, health: bool, with_eligibility: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.sectors = sorted(sectors)
        self.fields["referral_source"].choices = _referral_choices(self.sectors)
        if Sector.KOMMUNE not in self.sectors:
            for name in self.MUNICIPAL:
                del self.fields[name]
        if Sector.REGION not in self.sectors or not health:
            for name in self.HEALTH:
                del self.fields[name]
        if with_eligibility:
            for key, label in ELIGIBILITY_ITEMS:
                self.fields[f"elig_{key}"] = forms.BooleanField(label=label, required=False)

    def eligibility_fields(self):
        return [self[f"elig_{key}"] for key, _label in ELIGIBILITY_ITEMS if f"elig_{key}" in self.fields]

    def sector_fields(self, sector: str):
        names = self.MUNICIPAL if sector == Sector.KOMMUNE else self.HEALTH
        return [self[n] for n in names if n in self.fields]

    def content_for(self, sector: str) -> dict:
        """Cleaned values for a contract of `sector` (the other sector's fields are left out)."""
        data = self.cleaned_data
        out = {name: data[name] for name in ("referral_source", "stay_frame_nights", "review_on",
                                             "crisis_what_helps", "crisis_warning_signs", "crisis_who_to_call")
               if name in data}
        if sector == Sector.KOMMUNE and "municipal_services" in data:
            out["municipal_services"] = data["municipal_services"]
            out["resident_in_municipality"] = data["resident_in_municipality"]
        if sector == Sector.REGION and "diagnosis_group" in data:
            out["diagnosis_group"] = data["diagnosis_group"]
            out["psychiatric_comorbidity"] = {"yes": True, "no": False}.get(data["psychiatric_comorbidity"])
            out["treatment_responsibility"] = data["treatment_responsibility"]
        if any(f"elig_{key}" in data for key, _label in ELIGIBILITY_ITEMS):
            out["eligibility"] = {key: data.get(f"elig_{key}", False) for key, _label in ELIGIBILITY_ITEMS}
        return out


class CitizenContractForm(ContractContentForm):
    """New citizen (or a known CPR in the house) + a contract, in one step."""

    name = forms.CharField(label=_("Navn"), max_length=200)
    cpr = forms.CharField(label=_("CPR-nummer"), max_length=11, help_text=_("10 cifre, fx 010190-1234"),
                          widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    phone = forms.CharField(label=_("Telefon"), max_length=32, required=False)
    next_of_kin = forms.CharField(label=_("Pårørende"), max_length=300, required=False)
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    granted_on = WindowDateField(label=_("Bevilget"), widget=DATE)

    field_order = ["name", "cpr", "phone", "next_of_kin", "sector", "granted_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s, label) for s, label in Sector.choices if s in self.sectors]
        if len(self.sectors) == 1:
            self.fields["sector"].initial = self.sectors[0]
            self.fields["sector"].widget = forms.HiddenInput()
        self.fields["granted_on"].initial = timezone.localdate()


class ContractEndForm(forms.Form):
    ended_on = WindowDateField(label=_("Slutdato"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("Årsag"), choices=[("", _("Vælg"))] + list(EndReason.choices))
    reason_text = forms.CharField(label=_("Uddybning"), required=False, max_length=500,
                                  help_text=_("Skal udfyldes ved ”Andet”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class FollowUpForm(forms.Form):
    held_on = WindowDateField(label=_("Mødedato"), widget=DATE)
    participants = forms.CharField(label=_("Deltagere"), required=False, max_length=500)
    outcome = forms.CharField(label=_("Resultat"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        for key, label in ELIGIBILITY_ITEMS:
            self.fields[f"elig_{key}"] = forms.BooleanField(label=label, required=False)

    def eligibility_fields(self):
        return [self[f"elig_{key}"] for key, _label in ELIGIBILITY_ITEMS]

    def eligibility(self) -> dict[str, bool]:
        return {key: self.cleaned_data.get(f"elig_{key}", False) for key, _label in ELIGIBILITY_ITEMS}


class ConsentForm(forms.Form):
    to_sector = forms.ChoiceField(label=_("Må ses af"), choices=Sector.choices)
    scope = forms.ChoiceField(label=_("Omfang"), choices=ConsentScope.choices, widget=forms.RadioSelect,
                              initial=ConsentScope.CONTRACT)
    given_on = WindowDateField(label=_("Givet"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, to_sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_sector"].choices = [(s, label) for s, label in Sector.choices if s in to_sectors]
        self.fields["given_on"].initial = timezone.localdate()


class VisitationForm(forms.Form):
    """A visitation decision (houses whose rules admit by visitation). The service checks the rules."""

    sector = forms.ChoiceField(label=_("Sektor"), choices=[])
    decided_by = forms.CharField(label=_("Afgjort af"), max_length=200,
                                 help_text=_("Navn og funktion, fx myndighedsrådgiver eller visitationsudvalg."),
                                 error_messages={"required": _("Skriv hvem der har truffet afgørelsen.")})
    decided_on = WindowDateField(label=_("Afgjort den"), widget=DATE,
                                 error_messages={"required": _("Angiv datoen for afgørelsen.")})
    granted_from = WindowDateField(label=_("Bevilget fra"), widget=DATE,
                                   error_messages={"required": _("Angiv hvornår bevillingen starter.")})
    granted_until = WindowDateField(label=_("Bevilget til og med"), widget=DATE,
                                    error_messages={"required": _("Angiv hvornår bevillingen slutter.")})
    purpose = forms.CharField(label=_("Formål"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Skriv formålet med opholdet.")},
                              max_length=TEXT_MAX_LENGTH)
    goals = forms.CharField(label=_("Mål (ét pr. linje)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=TEXT_MAX_LENGTH)
    stay_frame_nights = forms.IntegerField(label=_("Særlig opholdsramme (nætter)"), required=False, min_value=1,
                                           max_value=366, help_text=_("Tom: husets ramme gælder."))
    frame_reason = forms.CharField(label=_("Begrundelse for en længere ramme"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(v, label) for v, label in Sector.choices if v in sectors]
        if len(sectors) == 1:
            self.fields["sector"].initial = next(iter(sectors))
        today = timezone.localdate()
        self.fields["decided_on"].initial = today
        self.fields["granted_from"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("granted_from"), data.get("granted_until")
        if start and end and end < start:
            self.add_error("granted_until", _("Perioden skal slutte efter den starter."))
        return data


class QuestionnaireForm(forms.Form):
    """One questionnaire: a radio group per item on the instrument's scale, the moment and the date."""

    sector = forms.ChoiceField(label=_("Sektor"))
    moment = forms.ChoiceField(label=_("Tidspunkt"))
    answered_on = WindowDateField(label=_("Besvaret"), widget=DATE)

    def __init__(self, *args, instrument, moments, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        from contracts.models import Moment

        self.instrument = instrument
        self.fields["sector"].choices = [(s, label) for s, label in Sector.choices if s in sectors]
        self.fields["moment"].choices = [(m, label) for m, label in Moment.choices if m in moments]
        self.fields["answered_on"].initial = timezone.localdate()
        if len(self.fields["sector"].choices) == 1:
            self.fields["sector"].initial = self.fields["sector"].choices[0][0]
            self.fields["sector"].required = False
        scale = [(str(s["value"]), s["label"]) for s in instrument.scale]
        for item in instrument.items:
            self.fields[f"item_{item['key']}"] = forms.TypedChoiceField(
                label=f"{item['key']}. {item['text']}", choices=scale, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Vælg et svar.")})

    def clean_sector(self) -> str:
        return self.cleaned_data.get("sector") or self.fields["sector"].initial or ""

    def item_fields(self):
        return [self[f"item_{item['key']}"] for item in self.instrument.items]

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{item['key']}"] for item in self.instrument.items]
