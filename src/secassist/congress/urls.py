"""Pages of the congress app (namespace "congress"). Every view declares its capability."""

from django.urls import path

from . import views

app_name = "congress"
urlpatterns = [
    path("", views.package_list, name="list"),
    path("new/", views.package_create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar-ics"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reports/", views.reports, name="reports"),
    path("reports/<str:table>.<str:fmt>", views.export, name="export"),
    path("rules/", views.rule_list, name="rules"),
    path("<int:pk>/", views.package_detail, name="detail"),
    path("<int:pk>/edit/", views.package_edit, name="edit"),
    path("<int:pk>/transition/", views.package_transition, name="transition"),
    path("<int:pk>/historical/", views.historical_update, name="historical-update"),
    path("<int:pk>/historical/propose/", views.historical_propose, name="historical-propose"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/holds/", views.hold_place, name="hold-place"),
    path("<int:pk>/holds/<int:hold_id>/lift/", views.hold_lift, name="hold-lift"),
    path("<int:pk>/holds/<int:hold_id>/questions/", views.hold_question, name="hold-question"),
    path("<int:pk>/holds/<int:hold_id>/questions/<int:question_id>/answer/", views.hold_answer, name="hold-answer"),
    path("<int:pk>/document.docx", views.document, name="document"),
    path("<int:pk>/letters/<str:committee>.docx", views.letter, name="letter"),
]
