from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export_download, name="export"),
    path("consent/", views.consent, name="consent"),
    path("correct/", views.correct, name="correct"),
    path("delete/", views.delete, name="delete"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
]
