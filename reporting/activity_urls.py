from django.urls import path

from reporting import activity_views as views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("them/", views.activity_create, name="create"),
    path("nhap/", views.import_upload, name="import"),
    path("nhap/mau/", views.import_template, name="import_template"),
    path("nhap/xac-nhan/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/sua/", views.activity_edit, name="edit"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
]
