"""Pages of the restrictions app (namespace "restrictions"). Every view declares its capability."""

from django.urls import path

from . import views

app_name = "restrictions"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("check/", views.check_page, name="check"),
    path("waivers/", views.waivers, name="waivers"),
    path("waivers/new/", views.waiver_new, name="waiver-new"),
    path("waivers/<int:pk>/end/", views.waiver_end, name="waiver-end"),
    path("designations/new/", views.designation_new, name="designation-new"),
    path("designations/<int:pk>/end/", views.designation_end, name="designation-end"),
    path("units/new/", views.unit_new, name="unit-new"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("assessments/new/", views.assessment_new, name="assessment-new"),
    path("coverage/", views.coverage, name="coverage"),
]
