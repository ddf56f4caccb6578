from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from psykiatrihus.models import AuditEvent, House, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(House)
class HouseAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "default_stay_frame_nights", "small_number_threshold", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "house", "role", "sector", "active"]
    list_filter = ["house", "role", "sector", "active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only (also enforced by a database trigger)."""

    list_display = ["at", "username", "house", "action", "object_type", "object_id", "citizen_id"]
    list_filter = ["action", "house"]
    search_fields = ["username", "object_type", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
