from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy

from tend.practices import views
from tend.practices.forms import PasswordResetInTheirLanguage, SignInForm

urlpatterns = [
    path(
        "login/",
        auth.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
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
        auth.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
