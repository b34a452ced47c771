from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sso/", views.SsoStartView.as_view(), name="sso-start"),
    path("login/sso/callback/", views.SsoCallbackView.as_view(), name="sso-callback"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/mfa/setup/", views.mfa_setup, name="mfa-setup"),
    path("account/mfa/verify/", views.mfa_verify, name="mfa-verify"),
]
