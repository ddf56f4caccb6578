"""Forms of the bed board (Danish labels; rules are checked by the services, not here)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beds.models import FaerdigbehandlingOutcome, RequestChannel, StayKind, TurnAwayReason

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BookForm(forms.Form):
    cpr = forms.CharField(label=_("Borgerens CPR-nummer"), max_length=11,
                          widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    arrival = forms.DateTimeField(label=_("Ankomst"), widget=DATETIME_WIDGET)
    planned_departure = forms.DateTimeField(label=_("Planlagt afrejse"), widget=DATETIME_WIDGET)
    kind = forms.ChoiceField(label=_("Type"), choices=StayKind.choices, initial=StayKind.ORDINARY)
    extension_reason = forms.CharField(label=_("Lederens begrundelse for længere ophold"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    fb_decided_on = forms.DateField(label=_("Fælles beslutning, dato"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    fb_ward = forms.CharField(label=_("Sengeafsnit"), required=False, max_length=200)
    fb_case_worker = forms.CharField(label=_("Myndighedsrådgiver"), required=False, max_length=200)
    fb_house_contact = forms.CharField(label=_("Husets repræsentant"), required=False, max_length=200)


class CheckInForm(forms.Form):
    ors_score = forms.IntegerField(label=_("ORS ved start (0–40)"), required=False, min_value=0, max_value=40)


class CheckOutForm(forms.Form):
    srs_score = forms.IntegerField(label=_("SRS ved slut (0–40)"), required=False, min_value=0, max_value=40)
    end_note = forms.CharField(label=_("Afslutningsnote"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    fb_outcome = forms.ChoiceField(label=_("Udfald (færdigbehandling)"), required=False,
                                   choices=[("", "—"), *FaerdigbehandlingOutcome.choices])
    fb_stays_attached = forms.TypedChoiceField(
        label=_("Fortsat tilknyttet huset"), required=False, empty_value=None,
        coerce=lambda v: v == "ja", choices=[("", "—"), ("ja", _("Ja")), ("nej", _("Nej"))])


class RequestForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sektor"), choices=[])
    channel = forms.ChoiceField(label=_("Kanal"), choices=RequestChannel.choices)
    requested_nights = forms.IntegerField(label=_("Ønskede nætter"), min_value=1, max_value=200, initial=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TurnAwayForm(forms.Form):
    reason = forms.ChoiceField(label=_("Årsag"), choices=TurnAwayReason.choices)
    note = forms.CharField(label=_("Uddybning"), required=False, max_length=500)
