from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from home import views

# The root URL configuration: the home page, then each app's pages under its own prefix.
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("portal.urls_app")),
    path("ke-hoach/", include("plans.urls")),
    path("hop-tac-xa/", include("cooperatives.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("tien-do/", include("reporting.progress_urls")),
    path("van-ban/", include("reporting.document_urls")),
    path("cong-viec/", include("jobs.urls")),
    path("api/", include("api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
