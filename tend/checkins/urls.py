from django.urls import path

from tend.checkins import views

app_name = "checkins"
urlpatterns = [
    path("c/", views.home, name="home"),
    path("c/checkin/", views.submit, name="submit"),
    path("c/checkin/<int:checkin_id>/thanks/", views.thanks, name="thanks"),
    path("checkins/<int:checkin_id>/", views.checkin_detail, name="detail"),
]
