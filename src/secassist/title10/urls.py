"""Pages of the title10 app (namespace "title10"). Every view declares its capability."""

from django.urls import path

from . import views

app_name = "title10"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("import/", views.proposal_import, name="import"),
    path("template.xlsx", views.template_download, name="template"),
    path("sample.xlsx", views.workbook_sample, name="sample"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assurances/", views.assurances, name="assurances"),
    path("p/<str:reference>/", views.proposal_detail, name="detail"),
    path("p/<str:reference>/edit/", views.proposal_edit, name="edit"),
    path("p/<str:reference>/route/", views.proposal_route, name="route"),
    path("p/<str:reference>/review/", views.proposal_review, name="review"),
    path("p/<str:reference>/decide/", views.proposal_decide, name="decide"),
    path("p/<str:reference>/open-cn/", views.proposal_open_cn, name="open-cn"),
    path("p/<str:reference>/ready/", views.proposal_ready, name="ready"),
    path("p/<str:reference>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("p/<str:reference>/deconflict/", views.proposal_deconflict, name="deconflict"),
    path("p/<str:reference>/link-unit/", views.proposal_link_unit, name="link-unit"),
    path("p/<str:reference>/memo.docx", views.proposal_memo, name="memo"),
]
