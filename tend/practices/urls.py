from django.contrib.auth import views as auth
from django.urls import path

from tend.practices import two_step_views, views
from tend.practices.forms import PasswordResetInTheirLanguage, SignInForm

urlpatterns = [
    path(
        "login/",
        auth.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("login/code/", two_step_views.sign_in_code, name="sign_in_code"),
    path("account/", views.account, name="account"),
    path("account/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign_out_elsewhere"),
    path("account/password/", views.ChangePassword.as_view(), name="password_change"),
    path("account/two-step/", two_step_views.two_step, name="two_step"),
    path("account/two-step/setup/", two_step_views.two_step_setup, name="two_step_setup"),
    path("account/two-step/off/", two_step_views.two_step_off, name="two_step_off"),
    path(
        "account/two-step/recovery-codes/",
        two_step_views.two_step_recovery,
        name="two_step_recovery",
    ),
    path(
        "password-reset/",
        views.PasswordReset.as_view(form_class=PasswordResetInTheirLanguage),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
