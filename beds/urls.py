from django.urls import path

from beds.views import aftercare, board, booking, extensions, house_now, requests, stays, waiting

urlpatterns = [
    path("", board.board, name="board"),
    path("tavle/", board.board_grid, name="board_grid"),
    path("book/", booking.book, name="book"),
    path("ophold/<int:pk>/", stays.stay_panel, name="stay"),
    path("ophold/<int:pk>/maal/", stays.stay_goals, name="stay_goals"),
    path("ophold/<int:pk>/maal/<int:goal_pk>/evaluer/", stays.stay_goal_evaluate, name="stay_goal_evaluate"),
    path("ophold/<int:pk>/spoergeskema/<slug:code>/", stays.stay_questionnaire, name="stay_questionnaire"),
    path("ophold/<int:pk>/laengere-ophold/", extensions.stay_extension_decide, name="stay_extension"),
    path("ophold/<int:pk>/<str:action>/", stays.stay_action, name="stay_action"),
    path("venteliste/", waiting.waiting_list_page, name="waiting_list"),
    path("venteliste/skriv-op/", waiting.waiting_list_add, name="waiting_list_add"),
    path("venteliste/placer/", waiting.waiting_list_place, name="waiting_list_place"),
    path("venteliste/<int:pk>/udgaa/", waiting.waiting_list_withdraw, name="waiting_list_withdraw"),
    path("opfoelgning/", aftercare.aftercare_list, name="aftercare_list"),
    path("opfoelgning/<int:pk>/", aftercare.aftercare_record, name="aftercare_record"),
    path("henvendelser/", requests.requests_list, name="requests"),
    path("henvendelser/ny/", requests.request_new, name="request_new"),
    path("henvendelser/<int:pk>/afvis/", requests.request_turn_away, name="request_turn_away"),
    path("henvendelser/<int:pk>/trukket-tilbage/", requests.request_withdraw, name="request_withdraw"),
    path("luk/", board.empty, name="panel_close"),
    path("i-huset/", house_now.house_now_page, name="house_now"),
    path("i-huset/overlevering/", house_now.handover_note_new, name="handover_note_new"),
    path("i-huset/opmaerksomhed/", house_now.attention_new, name="attention_new"),
    path("i-huset/opmaerksomhed/<int:pk>/slut/", house_now.attention_end, name="attention_end"),
]
