from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.approval_list, name="list"),
    path("<int:pk>/", views.approval_detail, name="detail"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<str:act>/", views.policy_edit, name="policy-edit"),
]
