from django.urls import path, re_path

from reporting import comparison_views, dashboard, reports_api

# Ids are matched as signed integers so a malformed id still reaches the API and gets its JSON 404.
ID = r"(?P<pk>-?[0-9]+)"

urlpatterns: list = [
    path("dashboard/", dashboard.dashboard_api, name="api-dashboard"),
    path("reports/", reports_api.ReportList.as_view(), name="api-reports"),
    path("reports/side-by-side/", comparison_views.HousesSideBySide.as_view(), name="api-reports-side-by-side"),
    re_path(rf"^reports/{ID}/$", reports_api.ReportDetail.as_view(), name="api-report"),
    re_path(rf"^reports/{ID}/approve/$", reports_api.ReportApprove.as_view(), name="api-report-approve"),
    re_path(rf"^reports/{ID}/(?P<fmt>[^/]+)/$", reports_api.ReportFile.as_view(), name="api-report-file"),
]
