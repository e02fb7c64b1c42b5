from django.urls import path

from reporting import import_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("mo/", views.report_open, name="open"),
    path("cho-duyet/", views.review_queue, name="queue"),
    path("nhap/", import_views.import_upload, name="import"),
    path("nhap/xac-nhan/", import_views.import_confirm, name="import_confirm"),
    path("nhap/mau-nhap-so-lieu.xlsx", import_views.import_template, name="import_template"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/tra-lai/", views.report_return, name="return"),
    path("<int:pk>/duyet/", views.report_approve, name="approve"),
]
