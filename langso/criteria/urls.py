from django.urls import URLPattern, URLResolver, path

from .views import catalogue, evaluation

app_name = "criteria"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.set_list, name="list"),
    path("nhap-tep/", catalogue.catalogue_import, name="import"),
    path("bo/<slug:code>/", catalogue.set_detail, name="set"),
    path("bo/<slug:code>/sua/", catalogue.set_edit, name="set-edit"),
    path("bo/<slug:code>/nguong/<str:province>/", catalogue.thresholds_edit, name="thresholds"),
    path("don-vi/<str:code>/", evaluation.scorecard, name="scorecard"),
    path(
        "don-vi/<str:code>/danh-gia/<slug:set_code>/<str:indicator>/",
        catalogue.assessment_enter,
        name="assess",
    ),
    path("don-vi/<str:code>/phan-loai/", catalogue.classification_edit, name="classify"),
    path("minh-chung/<int:pk>/", catalogue.assessment_evidence_download, name="evidence"),
    path("tinh/<str:code>/", evaluation.province_matrix, name="matrix"),
    path("thon/<str:code>/", evaluation.village_checklist, name="village"),
]
