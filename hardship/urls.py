from django.urls import path

from hardship import views

app_name = "hardship"
urlpatterns = [
    path("", views.start, name="start"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/step/<int:n>/", views.step, name="step"),
    path("<str:reference>/evidence/<str:token>/", views.evidence_download, name="evidence"),
    path("<str:reference>/statement.json", views.statement_json, name="statement_json"),
    path("<str:reference>/agreement/", views.agreement, name="agreement"),
]
