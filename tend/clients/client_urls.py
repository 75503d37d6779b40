from django.urls import path

from tend.clients import client_views as views

app_name = "client"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/<str:token>/", views.signin_link, name="signin_link"),
    path("signin/<str:token>/fresh/", views.signin_link_fresh, name="signin_link_fresh"),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.language, name="language"),
    path("signout/", views.signout, name="signout"),
    path("followup/", views.followup, name="followup"),
    path("emails/stop/<str:token>/", views.emails_stop, name="emails_stop"),
    path("emails/quiet/<str:token>/", views.quiet_day, name="quiet_day"),
]
