from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ban-do/", views.map_index, name="map"),
    path("ban-do/<int:pk>/", views.map_unit, name="map_unit"),
    path("ban-do/tim/", views.area_search, name="area_search"),
    path("tai-khoan/mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("nguoi-dung/", views.user_list, name="users"),
    path("nguoi-dung/them/", views.user_edit, name="user_add"),
    path("nguoi-dung/<int:pk>/", views.user_edit, name="user_edit"),
]
