"""The user's keyboard preference page: single-key shortcuts on or off (WCAG 2.1.4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from labeling import selectors
from labeling.services.preferences import shortcuts_enabled_set


@login_required
def keyboard_page(request: HttpRequest) -> HttpResponse:
    """Show the shortcut switch; POST stores it (a missing checkbox means off)."""
    if request.method == "POST":
        enabled = request.POST.get("shortcuts") == "on"
        shortcuts_enabled_set(user=request.user, enabled=enabled)  # type: ignore[arg-type]
        messages.success(
            request, "Single-key shortcuts are on." if enabled else "Single-key shortcuts are off."
        )
        return redirect("account-keyboard")
    enabled = selectors.shortcuts_enabled(user=request.user)  # type: ignore[arg-type]
    return render(request, "account/keyboard.html", {"enabled": enabled})
