"""/api/v1/: the kernel's endpoints plus each app's `api_urls`."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from psykiatrihus import api

_docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("me/", api.me, name="api-me"),
    path("houses/", api.houses, name="api-houses"),
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a file (CSP: no inline script); Swagger UI sets
    # inline styles, allowed on this page only.
    path("docs/", _docs_view, name="api-docs"),
    path("", include("contracts.api_urls")),
    path("", include("beds.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("reporting.api_urls")),
]
