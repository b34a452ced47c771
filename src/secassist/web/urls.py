from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("authorities/", views.authorities, name="authorities"),
    path("favicon.ico", views.favicon, name="favicon"),
]
