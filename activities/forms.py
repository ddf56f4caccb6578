"""Forms for the activity pages. They only parse input; the services decide and raise Danish errors."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind, Offer, Term
from psykiatrihus.forms import TEXT_MAX_LENGTH, WindowDateField
from psykiatrihus.models import Sector

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]
MAX = 1_000_000  # above any real count, below the columns' limits (the service words the negative case)


def previous_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def current_term() -> str:
    return Term.SPRING if timezone.localdate().month <= 6 else Term.AUTUMN


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(WindowDateField):
    widget = MonthInput

    def __init__(self, **kwargs):
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices, initial=ActivityKind.OPEN)
    offer = forms.ChoiceField(label=_("Tilbud"), choices=Offer.choices, initial=Offer.OTHER)
    sector = forms.ChoiceField(label=_("Sektor"), choices=[("", _("Fælles for huset")), *Sector.choices],
                               required=False)
    peer_led = forms.BooleanField(label=_("Peer-ledet"), required=False)
    seats = forms.IntegerField(label=_("Pladser (kun holdforløb)"), required=False, min_value=1, max_value=1000)
    sessions_planned = forms.IntegerField(label=_("Antal gange (kun holdforløb)"), required=False, min_value=1,
                                          max_value=1000)
    starts_on = WindowDateField(label=_("Start"), required=False, widget=DateInput)
    location = forms.CharField(label=_("Sted"), max_length=200, required=False)
    description = forms.CharField(label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=TEXT_MAX_LENGTH)


class EnrolForm(forms.Form):
    citizen = forms.ModelChoiceField(label=_("Borger"), queryset=None, empty_label=_("Vælg borger"))

    def __init__(self, *args, citizens, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen"].queryset = citizens


class ScheduleForm(forms.Form):
    first_day = WindowDateField(label=_("Første gang"), widget=DateInput)
    time = forms.TimeField(label=_("Klokken"), initial=datetime.time(10, 0),
                           widget=forms.TimeInput(attrs={"type": "time"}))
    count = forms.IntegerField(label=_("Antal gange"), min_value=1, max_value=200)
    every_days = forms.IntegerField(label=_("Dage mellem gangene"), min_value=1, initial=7, max_value=365)
    minutes = forms.IntegerField(label=_("Varighed (minutter)"), min_value=5, max_value=600, initial=90)


class HeadCountForm(forms.Form):
    head_count = forms.IntegerField(label=_("Antal fremmødte"), min_value=0, max_value=100000,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "big"}))


# --- the house's counts ---------------------------------------------------------------------------------


class CountForm(forms.Form):
    replace = forms.BooleanField(label=_("Ret en eksisterende registrering"), required=False)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class OpenDialogueForm(CountForm):
    month = MonthField(label=_("Måned"), initial=previous_month)
    meetings = forms.IntegerField(label=_("Netværksmøder"), max_value=MAX)
    cross_sector = forms.IntegerField(label=_("Heraf med mødeleder fra begge sektorer"), initial=0, max_value=MAX)
    field_order = ["month", "meetings", "cross_sector", "replace"]


class HomeTreatmentForm(CountForm):
    month = MonthField(label=_("Måned"), initial=previous_month)
    contacts = forms.IntegerField(label=_("Kontakter"), max_value=MAX)
    citizens = forms.IntegerField(label=_("Borgere i behandling i måneden"), max_value=MAX)
    citizens_new_in_year = forms.IntegerField(label=_("Heraf første kontakt i året"), max_value=MAX,
                                              help_text=_("Borgere, der ikke har haft kontakt tidligere i år."))
    field_order = ["month", "contacts", "citizens", "citizens_new_in_year", "replace"]


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class SocialvagtenForm(CountForm):
    day = WindowDateField(label=_("Dag"), initial=_yesterday, widget=DateInput)
    phone = forms.IntegerField(label=_("Telefoniske henvendelser"), initial=0, max_value=MAX)
    in_person = forms.IntegerField(label=_("Personligt fremmøde"), initial=0, max_value=MAX)
    field_order = ["day", "phone", "in_person", "replace"]


class StaffCountForm(CountForm):
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    on_date = WindowDateField(label=_("Opgjort pr."), widget=DateInput,
                              initial=lambda: timezone.localdate().replace(day=1))
    employees = forms.IntegerField(label=_("Medarbejdere"), max_value=MAX)
    fte = forms.DecimalField(label=_("Årsværk"), max_digits=7, decimal_places=2)
    field_order = ["sector", "on_date", "employees", "fte", "replace"]


class BudgetForm(CountForm):
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    year = forms.IntegerField(label=_("År"), initial=lambda: timezone.localdate().year, min_value=2000, max_value=2100)
    amount = forms.IntegerField(label=_("Budget (kr.)"), max_value=10**12)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    field_order = ["sector", "year", "amount", "note", "replace"]


class RecoveryCourseForm(CountForm):
    year = forms.IntegerField(label=_("År"), initial=lambda: timezone.localdate().year, min_value=2000, max_value=2100)
    term = forms.ChoiceField(label=_("Semester"), choices=Term.choices, initial=current_term)
    title = forms.CharField(label=_("Kursets titel"), max_length=200)
    online = forms.BooleanField(label=_("Onlinekursus"), required=False)
    enrolled = forms.IntegerField(label=_("Tilmeldte"), max_value=MAX)
    attended = forms.IntegerField(label=_("Fremmødte"), required=False, max_value=MAX,
                                  help_text=_("Tom: ikke opgjort endnu."))
    field_order = ["year", "term", "title", "online", "enrolled", "attended", "replace"]


class PeerCohortForm(CountForm):
    year = forms.IntegerField(label=_("År"), initial=lambda: timezone.localdate().year, min_value=2000, max_value=2100)
    term = forms.ChoiceField(label=_("Semester"), choices=Term.choices, initial=current_term)
    participants = forms.IntegerField(label=_("Deltagere"), initial=8, max_value=MAX)
    completed = forms.IntegerField(label=_("Uddannede"), initial=0, max_value=MAX)
    employed = forms.IntegerField(label=_("I arbejde"), initial=0, max_value=MAX)
    other_education = forms.IntegerField(label=_("Under anden uddannelse"), initial=0, max_value=MAX)
    unknown = forms.IntegerField(label=_("Ved ikke, barsel, andet"), initial=0, max_value=MAX)
    in_practice = forms.IntegerField(label=_("I praktik / afventer praktik"), initial=0, max_value=MAX)
    field_order = ["year", "term", "participants", "completed", "employed", "other_education", "unknown",
                   "in_practice", "replace"]


class PeerMonthForm(CountForm):
    peer = forms.ModelChoiceField(label=_("Peer-medarbejder"), queryset=None, empty_label=_("Vælg"))
    month = MonthField(label=_("Måned"), initial=previous_month)
    weekly_hours = forms.DecimalField(label=_("Timer pr. uge"), max_digits=5, decimal_places=2)
    conversations = forms.IntegerField(label=_("Peer-samtaler i måneden"), initial=0, max_value=MAX)
    field_order = ["peer", "month", "weekly_hours", "conversations", "replace"]

    def __init__(self, *args, peers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers
