from django.urls import path

from borrowers import views

app_name = "borrowers"

urlpatterns = [
    path("", views.loan_list, name="loans"),
    path("link/", views.loan_link, name="link"),
    path("<str:reference>/", views.loan_detail, name="detail"),
    path("<str:reference>/settlement/", views.loan_settlement, name="settlement"),
]
