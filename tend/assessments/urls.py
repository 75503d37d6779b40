from django.urls import path

from tend.assessments import views

app_name = "assessments"
urlpatterns = [
    path("q/<str:token>/", views.by_link, name="by_link"),
    path("c/questionnaires/<int:administration_id>/", views.mine, name="mine"),
    path("c/ladder/", views.ladder, name="ladder"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/new/", views.questionnaire_add, name="questionnaire_add"),
    path(
        "questionnaires/<int:questionnaire_id>/edit/",
        views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path("questionnaires/send/<int:client_id>/", views.send, name="send"),
    path("questionnaires/stop/<int:assignment_id>/", views.stop, name="stop"),
]
