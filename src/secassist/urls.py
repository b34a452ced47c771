from django.contrib import admin
from django.urls import include, path

from secassist.api.api import api

admin.site.site_header = "secassist administration"
admin.site.site_title = "secassist admin"

urlpatterns = [
    path("", include("secassist.web.urls")),
    path("", include("secassist.accounts.urls")),
    path("audit/", include("secassist.web.audit_urls")),
    path("clearances/", include("secassist.clearances.urls")),
    path("approvals/", include("secassist.approvals.urls")),
    path("funds/requests/", include("secassist.formulation.urls")),
    path("funds/", include("secassist.budget.urls")),
    path("restrictions/", include("secassist.restrictions.urls")),
    path("determinations/", include("secassist.determinations.urls")),
    path("notifications/", include("secassist.congress.urls")),
    path("title10/", include("secassist.title10.urls")),
    path("plans/", include("secassist.plans.urls")),
    path("oversight/", include("secassist.oversight.urls")),
    path("insights/", include("secassist.insights.urls")),
    path("countries/", include("secassist.insights.country_urls")),
    path("portfolio/", include("secassist.insights.portfolio_urls")),
    path("search/", include("secassist.search.urls")),
    path("alerts/", include("secassist.alerts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "secassist.web.views.bad_request"
handler403 = "secassist.web.views.permission_denied"
handler404 = "secassist.web.views.page_not_found"
handler500 = "secassist.web.views.server_error"
