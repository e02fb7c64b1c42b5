from django.contrib.auth.decorators import login_not_required
from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("chinh-sach-du-lieu-ca-nhan/", login_not_required(views.notice), name="notice"),
    path("nhat-ky-du-lieu/", views.access_log, name="log"),
    path("nhat-ky-du-lieu/xuat/<str:fmt>/", views.access_log_export, name="log_export"),
    path("nhat-ky-du-lieu/quyen-xem/", views.grants, name="grants"),
    path("nhat-ky-du-lieu/quyen-xem/<int:pk>/thu-hoi/", views.grant_revoke, name="grant_revoke"),
]
