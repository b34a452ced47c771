"""Pages of the budget app (namespace "budget"). Every view declares its capability."""

from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("appropriations/", views.appropriation_list, name="appropriations"),
    path("appropriations/<int:pk>/", views.appropriation_detail, name="appropriation"),
    path("appropriations/<int:pk>/check/", views.allocation_check, name="allocation-check"),
    path("appropriations/<int:pk>/ledger/", views.appropriation_ledger, name="ledger"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("allocations/<int:pk>/activity/", views.allocation_activity, name="allocation-activity"),
    path("allocations/<int:pk>/check/", views.posting_check, name="posting-check"),
    path("entries/<int:pk>/reverse/", views.reverse_entry, name="reverse"),
    path("653a/", views.report_653a_list, name="report-653a-list"),
    path("653a/<int:pk>/", views.report_653a, name="report-653a"),
    path("653a/<int:pk>/pdf/", views.report_653a_pdf, name="report-653a-pdf"),
    path("expiring/", views.expiring, name="expiring"),
    path("history/", views.history, name="history"),
]
