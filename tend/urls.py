from __future__ import annotations

from django.urls import include, path

from tend.alerts import views as alerts

urlpatterns = [
    path("", alerts.home, name="home"),
    path("", include("tend.practices.urls")),
    path("clients/", include("tend.clients.urls")),
    path("sessions/", include("tend.care.urls")),
    path("alerts/", include("tend.alerts.urls")),
    path("practice/", include("tend.alerts.settings_urls")),
    path("c/", include("tend.clients.client_urls")),
    path("", include("tend.checkins.urls")),
    path("", include("tend.safety.urls")),
]

handler400 = "tend.practices.errors.bad_request"
handler403 = "tend.practices.errors.forbidden"
handler404 = "tend.practices.errors.not_found"
handler500 = "tend.practices.errors.server_error"
