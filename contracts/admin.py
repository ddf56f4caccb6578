"""No personal model of this app is registered in the Django admin (only configuration, below).

Citizens, contracts, follow-ups and consents are personal (and for regional contracts health) data.
The admin bypasses the sector wall, the CPR masking and the read audit, and the administrator role
sees no citizen-level data at all, so these records are reached only through the app's own pages and
API, which go through `psykiatrihus.scoping.Access` and `audit_log`.
"""

from django.contrib import admin

from contracts.models import HouseInstrument, Instrument

# Configuration only, no personal data: the questionnaires (instruments as data) and which a house uses when.


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "score_min", "score_max", "meaningful_change", "higher_is_better", "active"]
    list_filter = ["active"]


@admin.register(HouseInstrument)
class HouseInstrumentAdmin(admin.ModelAdmin):
    list_display = ["house", "instrument", "moments"]
    list_filter = ["house"]
