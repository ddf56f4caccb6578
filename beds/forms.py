"""Forms of the bed board (Danish labels; rules are checked by the services, not here)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beds.models import (
    AftercareKind,
    FaerdigbehandlingOutcome,
    GoalResult,
    RequestChannel,
    StayKind,
    TurnAwayReason,
)
from psykiatrihus.forms import TEXT_MAX_LENGTH, WindowDateField, WindowDateTimeField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BookForm(forms.Form):
    """The citizen is chosen in the type-ahead (`citizen`, an id the view looks up within the user's scope) or
    given by a full CPR number typed into the search field (`cpr`), which also works without JavaScript."""

    cpr = forms.CharField(label=_("Borger (navn, fødselsdato eller CPR-nummer)"), max_length=100, required=False,
                          widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}))
    citizen = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)
    arrival = WindowDateTimeField(label=_("Ankomst"), widget=DATETIME_WIDGET)
    planned_departure = WindowDateTimeField(label=_("Planlagt afrejse"), widget=DATETIME_WIDGET)
    kind = forms.ChoiceField(label=_("Type"), choices=StayKind.choices, initial=StayKind.ORDINARY)
    extension_reason = forms.CharField(label=_("Begrundelse for længere ophold end rammen"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH,
                                       help_text=_("Kun ud over rammen eller husets grænse for nætter pr. måned. "
                                                   "Bookes af personalet, afventer opholdet en leders godkendelse; "
                                                   "sengen holdes imens."))
    fb_decided_on = WindowDateField(label=_("Fælles beslutning, dato"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    fb_ward = forms.CharField(label=_("Sengeafsnit"), required=False, max_length=200)
    fb_case_worker = forms.CharField(label=_("Myndighedsrådgiver"), required=False, max_length=200)
    fb_house_contact = forms.CharField(label=_("Husets repræsentant"), required=False, max_length=200)


class CheckInForm(forms.Form):
    at = WindowDateTimeField(label=_("Ankommet"), required=False, widget=DATETIME_WIDGET,
                             help_text=_("Tomt: nu. Kom borgeren tidligere end planlagt, starter opholdet da."))
    ors_score = forms.IntegerField(label=_("ORS ved start (0–40)"), required=False, min_value=0, max_value=40)


class MoveForm(forms.Form):
    """Move the guest to another bed of the stay's sector (`beds.move_services.stay_move` decides)."""

    bed = forms.TypedChoiceField(label=_("Ny seng"), coerce=int, choices=[],
                                 help_text=_("Ledige senge i sektoren fra flytningen til den planlagte afrejse."))
    at = WindowDateTimeField(label=_("Flyttet"), required=False, widget=DATETIME_WIDGET, help_text=_("Tomt: nu."))

    def __init__(self, *args, beds=(), booked: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "mv_%s")
        super().__init__(*args, **kwargs)
        self.fields["bed"].choices = [("", "—"), *((b.pk, b.label) for b in beds)]
        if booked:  # a booking moves as a whole
            del self.fields["at"]


class CheckOutForm(forms.Form):
    at = WindowDateTimeField(label=_("Rejst"), required=False, widget=DATETIME_WIDGET, help_text=_("Tomt: nu."))
    srs_score = forms.IntegerField(label=_("SRS ved slut (0–40)"), required=False, min_value=0, max_value=40)
    end_note = forms.CharField(label=_("Afslutningsnote"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=TEXT_MAX_LENGTH)
    fb_outcome = forms.ChoiceField(label=_("Udfald (færdigbehandling)"), required=False,
                                   choices=[("", "—"), *FaerdigbehandlingOutcome.choices])
    fb_stays_attached = forms.TypedChoiceField(
        label=_("Fortsat tilknyttet huset"), required=False, empty_value=None,
        coerce=lambda v: v == "ja", choices=[("", "—"), ("ja", _("Ja")), ("nej", _("Nej"))])


class RequestForm(forms.Form):
    """A henvendelse from the board's side panel. The citizen (optional) is picked from a search among the
    citizens the user may see: the search text is posted, never put in a URL."""

    sector = forms.ChoiceField(label=_("Sektor"), choices=[],
                               error_messages={"required": _("Vælg en sektor."),
                                               "invalid_choice": _("Du kan kun registrere henvendelser i din "
                                                                   "egen sektor.")})
    channel = forms.ChoiceField(label=_("Kanal"), choices=[("", _("Vælg kanal")), *RequestChannel.choices],
                                error_messages={"required": _("Vælg hvordan borgeren henvendte sig."),
                                                "invalid_choice": _("Vælg en kanal fra listen.")})
    q = forms.CharField(label=_("Find borger (navn, fødselsdato eller CPR-nummer)"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}))
    citizen = forms.TypedChoiceField(label=_("Borger"), required=False, coerce=int, empty_value=None, choices=[],
                                     error_messages={"invalid_choice": _("Vælg en borger fra søgningen.")})
    requested_nights = forms.IntegerField(label=_("Ønskede nætter"), min_value=1, max_value=366, initial=1,
                                          error_messages={"required": _("Angiv hvor mange nætter borgeren ønsker."),
                                                          "invalid": _("Skriv et helt antal nætter."),
                                                          "min_value": _("Angiv mindst én nat."),
                                                          "max_value": _("Højst %(limit_value)s nætter.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("Noten må højst være %(limit_value)d tegn.")})

    def __init__(self, *args, sectors=(), citizens=(), **kwargs):
        super().__init__(*args, **kwargs)
        from beds.models import Sector

        self.fields["sector"].choices = [(v, label) for v, label in Sector.choices if v in sectors]
        if len(self.fields["sector"].choices) == 1:
            self.fields["sector"].initial = self.fields["sector"].choices[0][0]
        self.fields["citizen"].choices = [("", _("Ukendt / ikke oplyst"))] + [(c.pk, citizen_label(c))
                                                                             for c in citizens]


def citizen_label(citizen) -> str:
    """Name, birth date and the sectors of the contracts the user sees: two "Anders Jensen" told apart."""
    sectors = sorted({str(k.get_sector_display()) for k in getattr(citizen, "visible_contracts", [])})
    return " · ".join([citizen.name, citizen.birth_date.strftime("%d.%m.%Y"), *sectors])


class TurnAwayForm(forms.Form):
    reason = forms.ChoiceField(label=_("Årsag"), choices=[("", _("Vælg årsag")), *TurnAwayReason.choices],
                               error_messages={"required": _("Vælg hvorfor henvendelsen afvises."),
                                               "invalid_choice": _("Vælg en årsag fra listen.")})
    note = forms.CharField(label=_("Uddybning"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("Uddybningen må højst være %(limit_value)d tegn.")})


# --- waiting list, goals per stay and aftercare (house rules) ----------------------------------------------


class WaitingAddForm(forms.Form):
    """Put a visited citizen on the waiting list: the choices are the user's decisions in force."""

    visitation = forms.TypedChoiceField(label=_("Visitationsafgørelse"), coerce=int, choices=[],
                                        error_messages={
                                            "required": _("Vælg en borger med en gyldig visitationsafgørelse."),
                                            "invalid_choice": _("Afgørelsen gælder ikke i din sektor, er udløbet, "
                                                                "eller borgeren står allerede på ventelisten.")})
    requested_nights = forms.IntegerField(label=_("Ønskede nætter"), required=False, min_value=1, max_value=366,
                                          help_text=_("Tom: visitationens eller husets ramme."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitation"].choices = [("", _("Vælg borger"))] + [
            (d.pk, _("%(name)s (%(sector)s, bevilget %(start)s–%(end)s)") % {
                "name": d.citizen.name, "sector": d.get_sector_display(), "start": d.granted_from.strftime("%d.%m."),
                "end": d.granted_until.strftime("%d.%m.%Y")})
            for d in decisions]


class WaitingWithdrawForm(forms.Form):
    note = forms.CharField(label=_("Hvorfor udgår borgeren?"), max_length=500,
                           error_messages={"required": _("Skriv hvorfor borgeren udgår af ventelisten.")})


class PlaceNextForm(forms.Form):
    bed = forms.TypedChoiceField(label=_("Ledig seng"), coerce=int, choices=[],
                                 error_messages={"required": _("Vælg en ledig seng.")})

    def __init__(self, *args, beds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bed"].choices = [(b.pk, b.label) for b in beds]


class GoalsForm(forms.Form):
    goals = forms.CharField(label=_("Mål for opholdet (ét pr. linje)"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": _("Skriv mindst ét mål.")})

    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]


class GoalEvaluateForm(forms.Form):
    result = forms.ChoiceField(label=_("Resultat"), choices=[("", _("Vælg")), *GoalResult.choices],
                               error_messages={"required": _("Vælg om målet er nået, delvist nået eller ikke nået.")})
    note = forms.CharField(label=_("Note fra evalueringen"), required=False, max_length=2000)


class AftercareRecordForm(forms.Form):
    done_on = WindowDateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Form"), required=False,
                             choices=[("", _("Som planlagt")), (AftercareKind.VISIT, AftercareKind.VISIT.label),
                                      (AftercareKind.CALL, AftercareKind.CALL.label)])
    reached = forms.TypedChoiceField(label=_("Udfald"), coerce=lambda v: v == "ja", initial="ja",
                                     choices=[("ja", _("Gennemført")), ("nej", _("Ikke truffet"))],
                                     widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class HandoverForm(forms.Form):
    """A shift handover note on "I huset nu"; the citizen (optional) from those the page shows by name."""

    sector = forms.ChoiceField(label=_("Sektor"), choices=[])
    shift = forms.ChoiceField(label=_("Vagt"), choices=[])
    citizen = forms.TypedChoiceField(label=_("Om borger (valgfrit)"), required=False, coerce=int, empty_value=None,
                                     choices=[])
    text = forms.CharField(label=_("Overlevering"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Skriv overleveringen."),
                                           "max_length": _("Højst %(limit_value)d tegn.")})

    def __init__(self, *args, sectors=(), citizens=(), **kwargs):
        super().__init__(*args, **kwargs)
        from beds.handover_models import Shift
        from beds.models import Sector

        self.fields["sector"].choices = [(v, label) for v, label in Sector.choices if v in sectors]
        self.fields["shift"].choices = Shift.choices
        self.fields["citizen"].choices = [("", _("Ingen bestemt borger"))] + [(c.pk, c.name) for c in citizens]


class AttentionForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sektor"), choices=[])
    citizen = forms.TypedChoiceField(label=_("Borger"), coerce=int, choices=[],
                                     error_messages={"required": _("Vælg borgeren.")})
    reason = forms.CharField(label=_("Hvorfor"), max_length=500,
                             error_messages={"required": _("Skriv hvorfor."),
                                             "max_length": _("Højst %(limit_value)d tegn.")})
    until = WindowDateField(label=_("Til og med"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _("Vælg en dato."), "invalid": _("Skriv en dato.")})

    def __init__(self, *args, sectors=(), citizens=(), **kwargs):
        super().__init__(*args, **kwargs)
        from beds.models import Sector

        self.fields["sector"].choices = [(v, label) for v, label in Sector.choices if v in sectors]
        self.fields["citizen"].choices = [("", "—")] + [(c.pk, c.name) for c in citizens]


class ExtensionDecisionForm(forms.Form):
    """A leader's decision on a stay beyond the frame; declining needs the note (the service says so)."""

    decision = forms.ChoiceField(choices=[("approve", _("Godkend")), ("decline", _("Afvis"))])
    note = forms.CharField(label=_("Note til personalet (skal udfyldes ved afvisning)"), required=False,
                           max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
