"""Login, logout and the home page ("my projects")."""

from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.views import home
from frontend.views.login import ThrottledLoginView

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
]
