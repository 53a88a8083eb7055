"""Outgoing webhooks: the event catalogue, signing, URL safety, payloads and the HTTP send.

Rows live in labeling.models.webhooks, writes in labeling.services.webhooks (hooks) and
labeling.services.webhook_delivery (attempts), the Celery tasks in labeling.tasks.webhooks.
Events are announced from one place, labeling.announce. This package imports no models at
import time, so labeling.models can use its choices.
"""
