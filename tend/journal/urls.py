from django.urls import path

from tend.journal import views

app_name = "journal"
urlpatterns = [
    path("c/journal/", views.journal, name="journal"),
    path("c/journal/write/", views.write, name="write"),
    path("c/journal/<int:entry_id>/share/", views.share, name="share"),
    path("c/journal/<int:entry_id>/unshare/", views.unshare, name="unshare"),
]
