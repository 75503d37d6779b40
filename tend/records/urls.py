from django.urls import path

from tend.records import views

app_name = "records"
urlpatterns = [
    path("clients/<int:client_id>/trail/", views.client_trail, name="client_trail"),
    path("clients/<int:client_id>/trail.csv", views.client_trail_csv, name="client_trail_csv"),
    path("clients/<int:client_id>/erase/", views.erase, name="erase"),
    path("export/", views.export, name="export"),
]
