from django.urls import path

from activities import api

urlpatterns = [
    path("activities/", api.ActivityList.as_view(), name="api-activities"),
    path("activities/<int:pk>/", api.ActivityDetail.as_view(), name="api-activity"),
    path("activities/<int:pk>/enrolments/", api.EnrolmentList.as_view(), name="api-activity-enrolments"),
    path("enrolments/<int:pk>/withdraw/", api.EnrolmentWithdraw.as_view(), name="api-enrolment-withdraw"),
    path("sessions/", api.SessionList.as_view(), name="api-sessions"),
    path("sessions/<int:pk>/head-count/", api.SessionHeadCount.as_view(), name="api-session-head-count"),
    path("attendance/", api.AttendanceList.as_view(), name="api-attendance"),
    path("activity-counts/<slug:kind>/", api.CountList.as_view(), name="api-activity-counts"),
    path("activity-tables/", api.ActivityTables.as_view(), name="api-activity-tables"),
]
