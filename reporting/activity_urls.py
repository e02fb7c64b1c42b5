from django.urls import path

from reporting import activity_views as views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("them/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/sua/", views.activity_edit, name="edit"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
]
