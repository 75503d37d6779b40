from django.urls import path

from tend.clients import views

# The "clients" namespace, with the list and a client's page from the apps above: tend/urls.py.
urlpatterns = [
    path("new/", views.client_add, name="add"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/invite/", views.client_invite, name="invite"),
    path("<int:client_id>/sign-out/", views.client_sign_out, name="sign_out"),
]
