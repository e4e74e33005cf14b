from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    # Called by Kannel, not by people: the addresses are in kannel.conf and the dlr-url.
    path("sms/bao-cao/<int:pk>/", views.sms_report, name="sms-report"),
    path("sms/den/", views.sms_incoming, name="sms-incoming"),
]
