from django.urls import path

from beds import views

urlpatterns = [
    path("", views.board, name="board"),
    path("tavle/", views.board_grid, name="board_grid"),
    path("book/", views.book, name="book"),
    path("ophold/<int:pk>/", views.stay_panel, name="stay"),
    path("ophold/<int:pk>/maal/", views.stay_goals, name="stay_goals"),
    path("ophold/<int:pk>/maal/<int:goal_pk>/evaluer/", views.stay_goal_evaluate, name="stay_goal_evaluate"),
    path("ophold/<int:pk>/<str:action>/", views.stay_action, name="stay_action"),
    path("venteliste/", views.waiting_list_page, name="waiting_list"),
    path("venteliste/skriv-op/", views.waiting_list_add, name="waiting_list_add"),
    path("venteliste/placer/", views.waiting_list_place, name="waiting_list_place"),
    path("venteliste/<int:pk>/udgaa/", views.waiting_list_withdraw, name="waiting_list_withdraw"),
    path("opfoelgning/", views.aftercare_list, name="aftercare_list"),
    path("opfoelgning/<int:pk>/", views.aftercare_record, name="aftercare_record"),
    path("henvendelser/", views.requests_list, name="requests"),
    path("henvendelser/ny/", views.request_new, name="request_new"),
    path("henvendelser/<int:pk>/afvis/", views.request_turn_away, name="request_turn_away"),
    path("henvendelser/<int:pk>/trukket-tilbage/", views.request_withdraw, name="request_withdraw"),
    path("luk/", views.empty, name="panel_close"),
]
