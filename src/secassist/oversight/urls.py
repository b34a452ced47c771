"""Pages of program oversight (namespace "oversight"). Every view declares its capability."""

from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("countries/<str:iso3>/", views.country_dashboard, name="country"),
    path("objectives/", views.objective_list, name="objectives"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("evaluations/<int:pk>/follow-up/", views.follow_up, name="follow-up"),
    path("execution/", views.execution, name="execution"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/import/", views.delivery_import, name="delivery-import"),
    path("reports/<slug:kind>.<slug:fmt>", views.report, name="report"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]
