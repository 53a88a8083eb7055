"""The webhook form of the settings area: URL, events, an optional secret, on/off."""

from __future__ import annotations

from typing import Any

from django import forms

from labeling.webhooks.catalogue import WebhookEvent


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Payload URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/accord-hook", "size": 60}),
    )
    events = forms.MultipleChoiceField(
        label="Events", choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label="Secret",
        required=False,
        min_length=16,
        max_length=200,
        # Never rendered back: the page shows a secret once, right after it was set.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to have one generated (new hook) or to keep the current one.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def service_args(self) -> dict[str, Any]:
        """Keyword arguments for webhook_create / webhook_update."""
        data = self.cleaned_data
        return {
            "url": data["url"],
            "events": data["events"],
            "secret": data["secret"],
            "is_active": data["is_active"],
        }
