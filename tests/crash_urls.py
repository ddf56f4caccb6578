"""The project's URLs plus views that fail in ways a real view could (tests of the API's error shape)."""

from django.urls import include, path


def crash(request):
    raise RuntimeError("boom")


def crash_with_cpr(request):
    raise ValueError("160665-3023")


urlpatterns = [
    path("api/v1/test-crash/", crash),
    path("api/v1/test-crash-cpr/", crash_with_cpr),
    path("test-crash/", crash),
    path("", include("psykiatrihus.urls")),
]
handler400 = "psykiatrihus.views.error_400"
handler403 = "psykiatrihus.views.error_403"
handler404 = "psykiatrihus.views.error_404"
handler500 = "psykiatrihus.views.error_500"
