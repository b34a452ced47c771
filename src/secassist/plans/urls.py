"""Pages of the plans app (namespace "plans"). Every view declares its capability."""

from django.urls import path

from . import cycle_views, views

app_name = "plans"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_new, name="product-new"),
    path("<int:pk>/", views.product_detail, name="product"),
    path("<int:pk>/edit/", views.product_edit, name="product-edit"),
    path("<int:pk>/taskers/new/", views.tasker_new, name="tasker-new"),
    path("links/<int:pk>/remove/", views.link_remove, name="link-remove"),
    path("taskers/", views.tasker_list, name="taskers"),
    path("taskers/<int:pk>/", views.tasker_detail, name="tasker"),
    path("taskers/<int:pk>/edit/", views.tasker_edit, name="tasker-edit"),
    path("taskers/<int:pk>/transition/", views.tasker_transition, name="tasker-transition"),
    path("taskers/<int:pk>/merge/", views.tasker_merge, name="tasker-merge"),
    path("taskers/<int:pk>/comments/new/", views.comment_new, name="comment-new"),
    path("taskers/<int:pk>/comments/merge/", views.comment_merge, name="comment-merge"),
    path("taskers/<int:pk>/import/", views.tasker_import, name="tasker-import"),
    path("taskers/<int:pk>/state-input.xlsx", views.tasker_matrix, name="tasker-matrix"),
    path("taskers/<int:pk>/matrix-template.xlsx", views.tasker_template, name="tasker-template"),
    path("taskers/<int:pk>/memo.docx", views.tasker_memo, name="tasker-memo"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/adjudicate/", views.comment_adjudicate, name="comment-adjudicate"),
    path("posture/", views.posture_list, name="posture"),
    path("posture/new/", views.posture_new, name="posture-new"),
    path("posture/<int:pk>/", views.posture_detail, name="posture-detail"),
    path("posture/<int:pk>/edit/", views.posture_edit, name="posture-edit"),
    path("engagements/", views.engagement_list, name="engagements"),
    path("engagements/new/", views.engagement_new, name="engagement-new"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement-edit"),
    path("actions/<int:pk>/status/", views.action_status, name="action-status"),
    path("events/", cycle_views.event_list, name="events"),
    path("events/<int:pk>/", cycle_views.event_detail, name="event"),
    path("analyses/", cycle_views.analysis_list, name="analyses"),
    path("analyses/<int:pk>/", cycle_views.analysis_detail, name="analysis"),
]
