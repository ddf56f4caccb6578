from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from psykiatrihus import fhir, sso, views

admin.site.site_header = "Psykiatrihus – administration"
admin.site.site_title = "Psykiatrihus"
admin.site.index_title = "Konfiguration"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/kode/", views.login_2fa, name="login_2fa"),
    path("logout/", sso.logout, name="logout"),
    path("login/sso/<slug:name>/", sso.sso_start, name="sso_start"),
    path("login/sso/<slug:name>/callback/", sso.sso_callback, name="sso_callback"),
    path("konto/totrin/", views.twofactor_settings, name="twofactor"),
    path("konto/adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path("hus/skift/", views.house_switch, name="house_switch"),
    path("logbog/", views.audit_log_view, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("psykiatrihus.api_urls")),
    re_path(r"^fhir/R4/metadata/?$", fhir.MetadataView.as_view(), name="fhir_metadata"),
    re_path(r"^fhir/R4/(?P<resource_type>[A-Za-z]{1,64})/?$", fhir.SearchView.as_view(), name="fhir_search"),
    re_path(r"^fhir/R4/(?P<resource_type>[A-Za-z]{1,64})/(?P<pk>[^/]{1,200})/?$", fhir.ReadView.as_view(),
            name="fhir_read"),
    path("borgere/", include(("contracts.urls", "contracts"), namespace="contracts")),
    path("senge/", include(("beds.urls", "beds"), namespace="beds")),
    path("aktiviteter/", include(("activities.urls", "activities"), namespace="activities")),
    path("rapporter/", include(("reporting.urls", "reporting"), namespace="reporting")),
]

handler400 = "psykiatrihus.views.error_400"
handler403 = "psykiatrihus.views.error_403"
handler404 = "psykiatrihus.views.error_404"
handler500 = "psykiatrihus.views.error_500"
