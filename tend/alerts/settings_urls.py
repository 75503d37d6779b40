from django.urls import path

from tend.alerts import settings_views

app_name = "practice"
urlpatterns = [
    path("settings/", settings_views.practice_settings, name="settings"),
    path("away/", settings_views.away, name="away"),
]
