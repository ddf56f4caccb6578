from django.urls import path

from activities import views

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("liste/", views.activity_list, name="activity_list"),
    path("ny/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/tilmeld/", views.enrol, name="enrol"),
    path("<int:pk>/planlaeg/", views.schedule, name="schedule"),
    path("tilmelding/<int:pk>/afmeld/", views.withdraw, name="withdraw"),
    path("gang/<int:pk>/", views.session_detail, name="session_detail"),
    path("gang/<int:pk>/fremmoede/<int:citizen_id>/", views.attendance_toggle, name="attendance_toggle"),
    path("gang/<int:pk>/antal/", views.head_count, name="head_count"),
    path("tal/", views.overview, name="overview"),
    path("tal/<slug:kind>/", views.count_entry, name="count_entry"),
]
