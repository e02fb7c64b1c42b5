from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from health_check.views import HealthCheckView

# For the container's health check and monitoring, without a log-in: the database answers, the
# media storage takes a file, the cache works. (The task queue's check joins with the worker.)
health = HealthCheckView.as_view(checks=[
    "health_check.checks.Database",
    "health_check.checks.Storage",
    "health_check.checks.Cache",
])

urlpatterns = [
    path("", include("portal.urls_app")),
    path("ke-hoach/", include("plans.urls")),
    path("hop-tac-xa/", include("cooperatives.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("tien-do/", include("reporting.progress_urls")),
    path("van-ban/", include("reporting.document_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("suc-khoe/", login_not_required(health), name="health"),
    path("admin/", admin.site.urls),
]
