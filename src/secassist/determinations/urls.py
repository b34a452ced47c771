"""Pages of determination packages and the annual calendar under /determinations/."""

from django.urls import path

from . import views

app_name = "determinations"
urlpatterns = [
    path("", views.package_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("<int:pk>/", views.package_detail, name="detail"),
]
