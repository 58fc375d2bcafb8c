from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/open/", views.message_open, name="open"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("unread/", views.unread, name="unread"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
