from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("help/", views.help_page, name="help"),
    path("help/messages/", views.help_messages, name="help_messages"),
    path("help/messages/<int:pk>/", views.help_message, name="help_message"),
    path("healthz", views.healthz, name="healthz"),
]
