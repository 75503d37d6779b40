from django.urls import path

from tend.integration import views

app_name = "integration"
urlpatterns = [
    path("c/practices/", views.library, name="library"),
    path("c/practices/<int:exercise_id>/", views.practice, name="practice"),
    path("c/practices/<int:exercise_id>/done/", views.done, name="done"),
    path("p/<str:token>/", views.by_link, name="by_link"),
]
