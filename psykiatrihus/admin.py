from django.contrib import admin

from psykiatrihus.models import AuditEvent, House, HousePolicy, Membership, SsoGroupMapping, SsoIdentity
from psykiatrihus.services import audit_log

POLICY_FIELDSETS = [
    (None, {"fields": ["house", "sector", "valid_from", "note"]}),
    ("Adgang", {"fields": ["admits_bsk", "admits_visitation", "admits_home_treatment"]}),
    ("Ophold", {"fields": ["stay_frame_nights", "extension_by", "max_nights_per_month", "stays_have_goals",
                           "post_stay_followup", "post_stay_followup_days"]}),
    ("Kontrakter", {"fields": ["followup_interval_months"]}),
]


class HousePolicyInline(admin.TabularInline):
    model = HousePolicy
    extra = 0
    fields = ["sector", "valid_from", "admits_bsk", "admits_visitation", "admits_home_treatment",
              "stay_frame_nights", "extension_by", "followup_interval_months", "stays_have_goals",
              "post_stay_followup", "max_nights_per_month"]
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(House)
class HouseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_stay_frame_nights", "small_number_threshold", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HousePolicyInline, MembershipInline]


@admin.register(HousePolicy)
class HousePolicyAdmin(admin.ModelAdmin):
    """Versions of a house's rules; a change from a date is a new version (history keeps its rules)."""

    list_display = ["house", "sector", "valid_from", "admits_bsk", "admits_visitation", "admits_home_treatment",
                    "stay_frame_nights", "extension_by", "followup_interval_months", "stays_have_goals",
                    "post_stay_followup", "max_nights_per_month"]
    list_filter = ["house", "sector"]
    date_hierarchy = "valid_from"
    fieldsets = POLICY_FIELDSETS
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit_log(user=request.user, action="update" if change else "create", obj=obj, house=obj.house,
                  detail="regler ændret i administrationen")


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


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(admin.ModelAdmin):
    """Which of an identity provider's groups give which membership (single sign-on)."""

    list_display = ["provider", "group", "house", "role", "sector"]
    list_filter = ["provider", "house", "role"]
    search_fields = ["group"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "subject", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "provider", "subject", "last_login_at", "last_groups"]
