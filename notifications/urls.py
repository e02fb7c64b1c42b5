from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("thong-bao/", views.notification_list, name="list"),
    path("tai-khoan/thong-bao/", views.email_settings, name="settings"),
]
