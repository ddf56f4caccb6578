"""The browser form to ask for a report: a quarter, half-year or year (suppressed figures), or, for those
who may see raw figures, any from–to period with raw figures, in one or more formats."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psykiatrihus.forms import WindowDateField
from reporting.models import ReportFormat
from reporting.selectors import Period, half_year, period_for, period_is_grid
from reporting.services import OFF_GRID_REASON


class ReportRequestForm(forms.Form):
    KIND_CHOICES = [("quarter", _("Kvartal")), ("half", _("Halvår")), ("year", _("Helt år")),
                    ("range", _("Fra–til (kun rå tal)"))]

    kind = forms.ChoiceField(label=_("Periode"), choices=KIND_CHOICES, initial="quarter",
                             widget=forms.RadioSelect)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(label=_("Kvartal"), coerce=int, required=False,
                                     choices=[(1, "1."), (2, "2."), (3, "3."), (4, "4.")])
    half = forms.TypedChoiceField(label=_("Halvår"), coerce=int, required=False, choices=[(1, "1."), (2, "2.")])
    start = WindowDateField(label=_("Fra"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = WindowDateField(label=_("Til"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    formats = forms.MultipleChoiceField(label=_("Formater"), choices=ReportFormat.choices,
                                        initial=["pdf"], widget=forms.CheckboxSelectMultiple)
    raw = forms.BooleanField(label=_("Rå tal (uden skjulte småtal) – kun til intern brug"), required=False)

    def __init__(self, *args, allow_raw: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_raw = allow_raw
        today = timezone.localdate()
        self.fields["year"].initial = today.year if today.month > 3 else today.year - 1
        self.fields["quarter"].initial = ((today.month - 1) // 3) or 4
        if not allow_raw:
            del self.fields["raw"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        try:
            if kind == "range":
                if not data.get("start") or not data.get("end"):
                    raise forms.ValidationError(_("Angiv både fra- og til-dato."))
                data["period"] = period_for(year=data["start"].year, start=data["start"], end=data["end"])
                if not (self.allow_raw and data.get("raw")) and not period_is_grid(data["period"]):
                    raise forms.ValidationError(str(OFF_GRID_REASON))
            elif kind == "half":
                if not data.get("year") or not data.get("half"):
                    self.add_error("half" if data.get("year") else "year", _("Angiv år og halvår."))
                    return data
                data["period"] = half_year(year=data["year"], half=data["half"])
            elif kind in ("quarter", "year"):
                if not data.get("year"):
                    self.add_error("year", _("Angiv et år."))
                    return data
                if kind == "quarter" and not data.get("quarter"):
                    self.add_error("quarter", _("Vælg et kvartal."))
                    return data
                data["period"] = period_for(year=data["year"], quarter=data.get("quarter") if kind == "quarter"
                                            else None)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        period: Period | None = data.get("period")
        if period and period.start > timezone.localdate():
            raise forms.ValidationError(_("Perioden ligger i fremtiden."))
        if period and (period.end - period.start) > datetime.timedelta(days=3 * 366):
            raise forms.ValidationError(_("En periode kan højst være tre år."))
        return data
