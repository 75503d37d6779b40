from django.urls import path

from tend.care import views

app_name = "care"
urlpatterns = [
    path("new/<int:client_id>/", views.session_add, name="add"),
    path("<int:session_id>/edit/", views.session_edit, name="edit"),
    path("<int:session_id>/delete/", views.session_delete, name="delete"),
]
