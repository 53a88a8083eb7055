"""The user's own account pages: API tokens (create, see, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from labeling import selectors
from labeling.exceptions import AccordError
from labeling.services.tokens import api_token_create, api_token_revoke

NEW_KEY = "accord.new_token_key"  # session slot: the new key is shown on the next page, once


@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    """List my tokens; POST {name} creates one and shows its key once (after a redirect)."""
    error = ""
    if request.method == "POST":
        try:
            token, key = api_token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
        except AccordError as problem:
            error = problem.message
        else:
            request.session[NEW_KEY] = {"id": token.pk, "key": key}
            return redirect("account-tokens")
    new = request.session.pop(NEW_KEY, None)
    context = {
        "tokens": selectors.api_token_list(user=request.user),  # type: ignore[arg-type]
        "new": new,
        "error": error,
        "name": request.POST.get("name", "") if error else "",
    }
    return render(request, "account/tokens.html", context, status=400 if error else 200)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of my tokens (404 for anyone else's)."""
    try:
        api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except AccordError as problem:
        messages.error(request, problem.message)
        return redirect("account-tokens")
    messages.success(request, "Token revoked. Scripts using it now get 401.")
    return redirect("account-tokens")
