from django.urls import path

from tend.checkins import answer_views, path_views, views

# The "checkins" namespace, with writing back and the check-in's page from tend/alerts:
# tend/urls.py.
urlpatterns = [
    path("c/", views.home, name="home"),
    path("c/checkin/", views.submit, name="submit"),
    path("c/checkin/<int:checkin_id>/thanks/", views.thanks, name="thanks"),
    path("c/reply/sent/<int:answer_id>/", views.wrote_back, name="wrote_back"),
    path("c/path/", path_views.my_path, name="path"),
    path("c/path/my-data.json", path_views.download_json, name="my_data_json"),
    path("c/path/my-data.html", path_views.download_html, name="my_data_html"),
    path("a/<str:token>/", answer_views.answer, name="answer"),
    path("a/<str:token>/more/", answer_views.answer_more, name="answer_more"),
    path("a/<str:token>/link/", answer_views.answer_fresh_link, name="answer_fresh_link"),
]
