"""/api/: the read-only API (v1/), its OpenAPI schema and docs, and the token page.

The API's views answer a request without a token with 401 JSON, not the log-in page
(login_not_required lets them past LoginRequiredMiddleware; DRF's IsAuthenticated decides).
The docs are a page for people: signed out, login_required sends them to log in (DRF marks its
views login_not_required itself, so the middleware alone would not)."""
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import pages, views

app_name = "api"


def api(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("v1/areas/", api(views.AreaList), name="areas"),
    path("v1/plans/", api(views.PlanList), name="plans"),
    path("v1/plans/<int:pk>/", api(views.PlanDetail), name="plan"),
    path("v1/progress/<str:code>/", api(views.ProgressView), name="progress"),
    path("v1/cooperatives/", api(views.CooperativeList), name="cooperatives"),
    path("v1/report-values/", api(views.ReportValueList), name="report_values"),
    path("v1/managers/", api(views.ManagerList), name="managers"),
    path("v1/managers/summary/", api(views.ManagerProfile), name="manager_profile"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    path("ma-truy-cap/", pages.token_page, name="token"),
    # Last: any other /api/v1/.../ address is a JSON 404 (one without its slash is still redirected to it).
    re_path(r"^v1/.*/$", api(views.NoSuchRoute)),
]
