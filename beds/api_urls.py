from django.urls import path

from beds.api import aftercare, beds, extensions, goals, house_now, moves, requests, stays, waiting

urlpatterns = [
    path("house-now/", house_now.HouseNowView.as_view(), name="api-house-now"),
    path("handover-notes/", house_now.HandoverNotesView.as_view(), name="api-handover-notes"),
    path("attention/", house_now.AttentionView.as_view(), name="api-attention"),
    path("beds/availability/", beds.AvailabilityView.as_view(), name="api-beds-availability"),
    path("stays/", stays.StayListCreateView.as_view(), name="api-stays"),
    path("stays/<int:pk>/", stays.StayDetailView.as_view(), name="api-stay"),
    path("stays/<int:pk>/check-in/", stays.StayCheckInView.as_view(), name="api-stay-check-in"),
    path("stays/<int:pk>/check-out/", stays.StayCheckOutView.as_view(),
         name="api-stay-check-out"),
    path("stays/<int:pk>/cancel/", stays.StayCancelView.as_view(), name="api-stay-cancel"),
    path("stays/<int:pk>/move/", moves.StayMoveView.as_view(), name="api-stay-move"),
    path("stays/<int:pk>/undo-cancel/", stays.StayUndoCancelView.as_view(), name="api-stay-undo-cancel"),
    path("stays/<int:pk>/extension/approve/", extensions.StayExtensionApproveView.as_view(),
         name="api-stay-extension-approve"),
    path("stays/<int:pk>/extension/decline/", extensions.StayExtensionDeclineView.as_view(),
         name="api-stay-extension-decline"),
    path("requests/", requests.StayRequestListCreateView.as_view(), name="api-requests"),
    path("requests/<int:pk>/turn-away/", requests.StayRequestTurnAwayView.as_view(),
         name="api-request-turn-away"),
    path("requests/<int:pk>/withdraw/", requests.StayRequestWithdrawView.as_view(),
         name="api-request-withdraw"),
    path("waiting-list/", waiting.WaitingListView.as_view(), name="api-waiting-list"),
    path("waiting-list/place-next/", waiting.PlaceNextView.as_view(), name="api-waiting-list-place-next"),
    path("waiting-list/<int:pk>/withdraw/", waiting.WaitingWithdrawView.as_view(), name="api-waiting-list-withdraw"),
    path("stays/<int:pk>/goals/", goals.StayGoalsView.as_view(), name="api-stay-goals"),
    path("stay-goals/<int:pk>/evaluate/", goals.StayGoalEvaluateView.as_view(), name="api-stay-goal-evaluate"),
    path("aftercare/", aftercare.AftercareDueView.as_view(), name="api-aftercare"),
    path("aftercare/<int:pk>/record/", aftercare.AftercareRecordView.as_view(), name="api-aftercare-record"),
]
