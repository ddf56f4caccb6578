from django.urls import path

from reporting import comparison_views, dashboard, report_views

urlpatterns: list = [
    # evaluation reports (issue 7)
    path("", report_views.report_list, name="report_list"),
    path("huse/", comparison_views.houses_side_by_side_page, name="houses_side_by_side"),
    path("koersler/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("koersler/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("koersler/<int:pk>/bestil-igen/", report_views.report_reorder, name="report_reorder"),
    path("koersler/<int:pk>/<str:fmt>/", report_views.report_download, name="report_download"),
    # leader dashboard (issue 8)
    path("overblik/", dashboard.dashboard, name="dashboard"),
    path("overblik/liste/<slug:figure>/", dashboard.dashboard_list, name="dashboard_list"),
]
