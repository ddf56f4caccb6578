from django.urls import path, re_path

from activities import api

# Ids are matched as signed integers so a malformed id still reaches the API and gets its JSON 404.
ID = r"(?P<pk>-?[0-9]+)"

urlpatterns = [
    path("activities/", api.ActivityList.as_view(), name="api-activities"),
    re_path(rf"^activities/{ID}/$", api.ActivityDetail.as_view(), name="api-activity"),
    re_path(rf"^activities/{ID}/enrolments/$", api.EnrolmentList.as_view(), name="api-activity-enrolments"),
    re_path(rf"^enrolments/{ID}/withdraw/$", api.EnrolmentWithdraw.as_view(), name="api-enrolment-withdraw"),
    path("sessions/", api.SessionList.as_view(), name="api-sessions"),
    re_path(rf"^sessions/{ID}/head-count/$", api.SessionHeadCount.as_view(), name="api-session-head-count"),
    path("attendance/", api.AttendanceList.as_view(), name="api-attendance"),
    re_path(r"^activity-counts/(?P<kind>[^/]+)/$", api.CountList.as_view(), name="api-activity-counts"),
    path("activity-tables/", api.ActivityTables.as_view(), name="api-activity-tables"),
]
