from django.urls import path

from borrowers import views

app_name = "borrowers"

urlpatterns = [
    path("", views.loan_list, name="loans"),
    path("link/", views.loan_link, name="link"),
    path("<str:reference>/", views.loan_detail, name="detail"),
    path("<str:reference>/settlement/", views.loan_settlement, name="settlement"),
    path("<str:reference>/promise/", views.loan_promise, name="promise"),
    path("<str:reference>/due-day/", views.loan_due_day, name="due_day"),
]
