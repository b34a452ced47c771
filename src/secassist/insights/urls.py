from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("impact/", views.impact_page, name="impact"),
    path("impact.xlsx", views.impact_xlsx, name="impact-xlsx"),
]
