from django.urls import path

from tend.team import views

app_name = "team"
urlpatterns = [
    path("", views.team, name="team"),
    path("invite/", views.invite, name="invite"),
    path("invitations/<int:invitation_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:practitioner_id>/", views.member, name="member"),
    path("<int:practitioner_id>/role/", views.change_role, name="role"),
    path("<int:practitioner_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:practitioner_id>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:practitioner_id>/two-step/reset/", views.reset_two_step, name="reset_two_step"),
    path("clients/<int:client_id>/move/", views.move_client, name="move_client"),
    path("join/<str:token>/", views.join, name="join"),
]
