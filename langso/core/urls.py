from django.urls import path

from . import views

app_name = "core"
urlpatterns = [path("<int:job_id>/", views.job_detail, name="job-detail")]
