"""The login page, with failed attempts limited per username and per address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from config import login_limiter


class ThrottledLoginView(auth_views.LoginView):
    """Django's LoginView that counts each attempt and refuses (429) one over a limit.

    A refused attempt never reaches the password check, so the right password is refused too
    until the window ends; that is what stops a guess-then-succeed run.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        wait = login_limiter.attempt(username, login_limiter.client_address(request))
        if wait:
            # An unbound form: a bound one would check the password when its errors are read.
            form = self.get_form_class()(request=request)
            context = self.get_context_data(
                form=form, throttled=login_limiter.blocked_message(wait)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        login_limiter.record_success(
            self.request.POST.get("username", ""), login_limiter.client_address(self.request)
        )
        return super().form_valid(form)
