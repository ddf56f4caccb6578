from django.urls import path

from contracts import questionnaire_views, views

urlpatterns = [
    path("", views.citizen_list, name="citizen_list"),
    path("ny/", views.citizen_create, name="citizen_create"),
    path("find/", views.citizen_lookup, name="citizen_lookup"),
    path("<int:pk>/", views.citizen_detail, name="citizen_detail"),
    path("<int:pk>/samtykke/", views.consent_create, name="consent_create"),
    path("<int:pk>/visitation/", views.visitation_create, name="visitation_create"),
    path("<int:pk>/spoergeskema/<slug:code>/", questionnaire_views.questionnaire_record, name="questionnaire_record"),
    path("samtykke/<int:pk>/tilbagekald/", views.consent_withdraw, name="consent_withdraw"),
    path("kontrakt/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("kontrakt/<int:pk>/ret/", views.contract_edit, name="contract_edit"),
    path("kontrakt/<int:pk>/afslut/", views.contract_end, name="contract_end"),
    path("kontrakt/<int:pk>/pause/", views.contract_pause, name="contract_pause"),
    path("kontrakt/<int:pk>/opfoelgning/", views.followup_create, name="followup_create"),
    path("opfoelgninger/", views.followup_list, name="followup_list"),
]
