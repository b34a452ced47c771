"""Country 360 downloads beside the country page (/countries/<ISO3>/ is the web app's page)."""

from django.urls import path

from . import views

app_name = "country360"
urlpatterns = [
    path("<str:iso3>/brief.pdf", views.country_brief, name="brief"),
    path("<str:iso3>/tables/<slug:name>.<slug:fmt>", views.country_table, name="table"),
]
