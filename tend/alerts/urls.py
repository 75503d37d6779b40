from django.urls import path

from tend.alerts import views

app_name = "alerts"
urlpatterns = [
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>/resolve/", views.resolve, name="resolve"),
    path("<int:alert_id>/reply/", views.reply_about_alert, name="reply_about_alert"),
    path("client/<int:client_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("checkin/<int:checkin_id>/reply/", views.reply, name="reply"),
    path("entry/<int:entry_id>/seen/", views.entry_seen, name="entry_seen"),
    path("entry/<int:entry_id>/reply/", views.entry_reply, name="entry_reply"),
]
