from django.contrib import admin

from beds.models import Bed


@admin.register(Bed)
class BedAdmin(admin.ModelAdmin):
    list_display = ["label", "house", "sector", "may_be_faerdigbehandling", "active"]
    list_filter = ["house", "sector", "active"]
