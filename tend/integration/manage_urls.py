from django.urls import path

from tend.integration import manage_views as views

app_name = "library"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.add, name="add"),
    path("<int:exercise_id>/edit/", views.edit, name="edit"),
    path("<int:exercise_id>/remove/", views.remove, name="remove"),
]
