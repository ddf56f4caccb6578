from django.urls import path

from reporting import dashboard

urlpatterns: list = [
    path("dashboard/", dashboard.dashboard_api, name="api-dashboard"),
]
