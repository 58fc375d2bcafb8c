"""The SMS provider's callbacks, under /notifications/sms/ (config/urls.py)."""

from django.urls import path

from notifications import views_receipts

app_name = "notifications_sms"

urlpatterns = [path("receipts/", views_receipts.sms_receipt, name="receipts")]
