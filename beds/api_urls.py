from django.urls import path

from beds import api

urlpatterns = [
    path("beds/availability/", api.AvailabilityView.as_view(), name="api-beds-availability"),
    path("stays/", api.StayListCreateView.as_view(), name="api-stays"),
    path("stays/<int:pk>/", api.StayDetailView.as_view(), name="api-stay"),
    path("stays/<int:pk>/check-in/", api.StayCheckInView.as_view(), name="api-stay-check-in"),
    path("stays/<int:pk>/check-out/", api.StayCheckOutView.as_view(),
         name="api-stay-check-out"),
    path("stays/<int:pk>/cancel/", api.StayCancelView.as_view(), name="api-stay-cancel"),
    path("requests/", api.StayRequestListCreateView.as_view(), name="api-requests"),
    path("requests/<int:pk>/turn-away/", api.StayRequestTurnAwayView.as_view(),
         name="api-request-turn-away"),
    path("requests/<int:pk>/withdraw/", api.StayRequestWithdrawView.as_view(),
         name="api-request-withdraw"),
    path("waiting-list/", api.WaitingListView.as_view(), name="api-waiting-list"),
    path("waiting-list/place-next/", api.PlaceNextView.as_view(), name="api-waiting-list-place-next"),
    path("waiting-list/<int:pk>/withdraw/", api.WaitingWithdrawView.as_view(), name="api-waiting-list-withdraw"),
    path("stays/<int:pk>/goals/", api.StayGoalsView.as_view(), name="api-stay-goals"),
    path("stay-goals/<int:pk>/evaluate/", api.StayGoalEvaluateView.as_view(), name="api-stay-goal-evaluate"),
    path("aftercare/", api.AftercareDueView.as_view(), name="api-aftercare"),
    path("aftercare/<int:pk>/record/", api.AftercareRecordView.as_view(), name="api-aftercare-record"),
]
