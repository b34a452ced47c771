from django.urls import path

from . import views

app_name = "clearances"
urlpatterns = [
    path("", views.clearance_list, name="list"),
    path("<int:pk>/", views.clearance_detail, name="detail"),
]
