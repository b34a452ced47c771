from django.urls import path

from . import views

app_name = "clearances"
urlpatterns = [
    path("", views.clearance_list, name="list"),
    path("<int:pk>/", views.clearance_detail, name="detail"),
    path("documents/<str:subject_type>/<str:subject_id>/", views.document_versions, name="versions"),
    path("documents/<str:subject_type>/<str:subject_id>/v<int:number>/", views.document_version, name="version"),
]
