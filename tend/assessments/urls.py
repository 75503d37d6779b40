from django.urls import path

from tend.assessments import views

app_name = "assessments"
urlpatterns = [
    path("q/<str:token>/", views.by_link, name="by_link"),
    path("c/questionnaires/<int:administration_id>/", views.mine, name="mine"),
    path("c/ladder/", views.ladder, name="ladder"),
    path("questionnaires/send/<int:client_id>/", views.send, name="send"),
    path("questionnaires/stop/<int:assignment_id>/", views.stop, name="stop"),
]
