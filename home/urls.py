from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from health_check.views import HealthCheckView

from home import views
from reporting import activity_views as reporting_tasks

# For the container's health check and monitoring, without a log-in: the database answers, the
# media storage takes a file, the cache works.
health = HealthCheckView.as_view(checks=[
    "health_check.checks.Database",
    "health_check.checks.Storage",
    "health_check.checks.Cache",
])
# The task queue, for monitoring (the worker container runs `manage.py check_worker`): kept apart
# so that a stopped worker does not mark the web container unhealthy.
health_queue = HealthCheckView.as_view(checks=["jobs.health.TaskQueue"])


# The root URL configuration: the home page, then each app's pages under its own prefix.
urlpatterns = [
    path("", views.home, name="home"),
    path("kiem-tra-so-lieu/", views.data_check, name="data_check"),
    path("", include("notifications.urls")),
    path("", include("portal.urls_app")),
    path("", include("privacy.urls")),
    path("ke-hoach/", include("plans.urls")),
    path("ke-hoach/<int:pk>/nhiem-vu/theo-doi/", reporting_tasks.task_list, name="task_list"),
    path("ke-hoach/<int:pk>/nhiem-vu/theo-doi/tinh-trang/", reporting_tasks.task_status_set, name="task_status_set"),
    path("ke-hoach/<int:pk>/nhiem-vu/theo-doi/kinh-phi/", reporting_tasks.task_budget, name="task_budget"),
    path("hoat-dong/", include("reporting.activity_urls")),
    path("hop-tac-xa/", include("cooperatives.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("tien-do/", include("reporting.progress_urls")),
    path("van-ban/", include("reporting.document_urls")),
    path("cong-viec/", include("jobs.urls")),
    path("api/", include("api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("suc-khoe/", login_not_required(health), name="health"),
    path("suc-khoe/hang-doi/", login_not_required(health_queue), name="health_queue"),
    path("admin/", admin.site.urls),
]
