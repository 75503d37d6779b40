from __future__ import annotations

from django.urls import include, path

from tend.alerts import views as alerts
from tend.checkins import urls as checkins_urls
from tend.checkins import views as checkins
from tend.clients import urls as clients_urls
from tend.worker import health

# A page lives in the highest app it reads from, so two namespaces gather pages from more
# than one app; their URLs and names are the same as ever.
clients_pages = [
    path("", checkins.client_list, name="list"),
    path("<int:client_id>/", alerts.client_detail, name="detail"),
    path("<int:client_id>/brief/", alerts.client_brief, name="brief"),
    *clients_urls.urlpatterns,
]
checkins_pages = [
    *checkins_urls.urlpatterns,
    path("c/reply/<int:reply_id>/answer/", alerts.answer_reply, name="answer_reply"),
    path("checkins/<int:checkin_id>/", alerts.checkin_detail, name="detail"),
    path("checkins/<int:checkin_id>/seen/", alerts.checkin_seen, name="seen"),
]

urlpatterns = [
    path("", alerts.home, name="home"),
    path("queue/", alerts.queue_part, name="queue_part"),
    path("health/", health.health, name="health"),
    path("", include("tend.practices.urls")),
    path("clients/", include((clients_pages, "clients"))),
    path("sessions/", include("tend.care.urls")),
    path("alerts/", include("tend.alerts.urls")),
    path("practice/", include("tend.alerts.settings_urls")),
    path("library/", include("tend.integration.manage_urls")),
    path("team/", include("tend.team.urls")),
    path("records/", include("tend.records.urls")),
    path("c/", include("tend.clients.client_urls")),
    path("", include((checkins_pages, "checkins"))),
    path("", include("tend.safety.urls")),
    path("", include("tend.integration.urls")),
    path("", include("tend.journal.urls")),
    path("", include("tend.assessments.urls")),
]

handler400 = "tend.practices.errors.bad_request"
handler403 = "tend.practices.errors.forbidden"
handler404 = "tend.practices.errors.not_found"
handler500 = "tend.practices.errors.server_error"
