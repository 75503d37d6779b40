from django.urls import path

from tend.care import plan_views, views

app_name = "care"
urlpatterns = [
    path("new/<int:client_id>/", views.session_add, name="add"),
    path("<int:session_id>/edit/", views.session_edit, name="edit"),
    path("<int:session_id>/delete/", views.session_delete, name="delete"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_add, name="plan_add"),
    path("plans/<int:plan_id>/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/delete/", plan_views.plan_delete, name="plan_delete"),
]
