from django.urls import path

from tend.safety import views

app_name = "safety"
urlpatterns = [
    path("c/help/", views.help_page, name="help"),
    path("practice/crisis-lines/", views.crisis_lines, name="crisis_lines"),
    path("practice/crisis-lines/remove/", views.crisis_line_remove, name="crisis_line_remove"),
]
