from rest_framework.routers import SimpleRouter

from contracts import api, questionnaire_api

router = SimpleRouter()
router.register("citizens", api.CitizenViewSet, basename="api-citizen")
# Any path segment reaches the view, which answers a citizen id that is not one with a JSON 404.
router.register(r"citizens/(?P<citizen_pk>[^/.]+)/consents", api.ConsentViewSet, basename="api-consent")
router.register("contracts", api.ContractViewSet, basename="api-contract")
router.register("followups", api.FollowUpViewSet, basename="api-followup")
router.register("visitations", api.VisitationViewSet, basename="api-visitation")
router.register("questionnaires", questionnaire_api.QuestionnaireViewSet, basename="api-questionnaire")
router.register("questionnaire-responses", questionnaire_api.QuestionnaireResponseViewSet,
                basename="api-questionnaire-response")

urlpatterns = router.urls
