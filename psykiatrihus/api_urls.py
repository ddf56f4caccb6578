"""/api/v1/: the kernel's endpoints plus each app's `api_urls`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from psykiatrihus import api

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("me/", api.me, name="api-me"),
    path("houses/", api.houses, name="api-houses"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("contracts.api_urls")),
    path("", include("beds.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("reporting.api_urls")),
]
