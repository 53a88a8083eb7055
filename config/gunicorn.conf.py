"""gunicorn settings for the image and docker-compose (`gunicorn config.wsgi -c config/gunicorn.conf.py`).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "8"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
# The access log on stdout: client, time, request line, status, bytes, milliseconds, and the
# request id Accord set (X-Request-ID), to find the request's other log lines.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# Request metrics summed over every worker: prometheus_client keeps them in files under
# PROMETHEUS_MULTIPROC_DIR (emptied at start; a dead worker's figures stay in the totals).
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
        Path(_metrics_dir).mkdir(parents=True, exist_ok=True)
