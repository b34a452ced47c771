"""Pages of budget formulation under /funds/requests/ (namespace "formulation")."""

from django.urls import path

from . import views

app_name = "formulation"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/cbj.<str:fmt>", views.cbj_download, name="cbj"),
    path("<int:pk>/seed/", views.seed, name="seed"),
    path("<int:pk>/stages/<int:stage_id>/", views.stage_detail, name="stage"),
    path("<int:pk>/stages/<int:stage_id>/import/", views.stage_import, name="import"),
    path("<int:pk>/stages/<int:stage_id>/lines.xlsx", views.stage_template, name="template"),
    path("lines/<int:line_id>/comment/", views.line_comment, name="comment"),
]
