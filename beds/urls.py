from django.urls import path

from beds import views

urlpatterns = [
    path("", views.board, name="board"),
    path("tavle/", views.board_grid, name="board_grid"),
    path("book/", views.book, name="book"),
    path("ophold/<int:pk>/", views.stay_panel, name="stay"),
    path("ophold/<int:pk>/<str:action>/", views.stay_action, name="stay_action"),
    path("luk/", views.empty, name="panel_close"),
]
