"""The portfolio dashboard: every country x program for a fiscal year."""

from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio_page, name="dashboard"),
    path("tables/<slug:name>.<slug:fmt>", views.portfolio_table, name="table"),
]
