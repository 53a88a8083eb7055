"""The stable name of every Celery task, in one table.

Task decorators, senders, routes (config/settings.py CELERY_TASK_ROUTES) and the beat schedule
use these names. labeling sends review's tasks by name (never importing review), so review's
names live here too. tests/operations/test_queues.py checks that every registered task is here.
"""

from __future__ import annotations

# labeling
RUN_IMPORT_JOB = "labeling.run_import_job"  # args: [job_id]
RUN_PRELABEL_JOB = "labeling.run_prelabel_job"  # args: [job_id]
PRELABEL_BATCH = "labeling.prelabel_batch"  # args: [job_id, start_id, end_id, expected]
RETRAIN_MODEL = "labeling.retrain_model"  # args: [project_id]
SWEEP_PENDING_ITEMS = "labeling.sweep_pending_items"  # beat, no args
SWEEP_STALLED_JOBS = "labeling.sweep_stalled_jobs"  # beat, no args
DELIVER_WEBHOOK = "labeling.deliver_webhook"  # args: [delivery_id]
SWEEP_WEBHOOK_DELIVERIES = "labeling.sweep_webhook_deliveries"  # beat, no args
SEND_MODEL_SERVER_EVENT = "labeling.send_model_server_event"  # args: [event_id]
DELETE_PROJECT = "labeling.delete_project"  # args: [project_id]
# review
PROCESS_PENDING_ITEMS = "review.process_pending_items"  # args: [project_id]
RECOMPUTE_PROJECT_AGREEMENT = "review.recompute_project_agreement"  # args: [project_id]
REFRESH_PROJECT_FLAGS = "review.refresh_project_flags"  # args: [project_id, after_id=0]
HOLD_REOPENED_FLAGS = "review.hold_reopened_flags"  # args: [[item_id, ...], reopened_at (ISO 8601)]
REFRESH_PROJECT = "review.refresh_project"  # args: [project_id]
REBUILD_AGREEMENT_COUNTS = "review.rebuild_agreement_counts"  # args: [project_id]
REBUILD_FLAG_COUNTS = "review.rebuild_flag_counts"  # args: [project_id]
# frontend (figures of large projects, computed off the page view)
REFRESH_DASHBOARD_FIGURES = "frontend.refresh_dashboard_figures"  # args: [project_id]
REFRESH_MEMBER_FIGURES = "frontend.refresh_member_figures"  # args: [project_id]

ALL = frozenset(
    {
        RUN_IMPORT_JOB, RUN_PRELABEL_JOB, PRELABEL_BATCH, RETRAIN_MODEL, SWEEP_PENDING_ITEMS,
        SWEEP_STALLED_JOBS, DELIVER_WEBHOOK, SWEEP_WEBHOOK_DELIVERIES, SEND_MODEL_SERVER_EVENT,
        DELETE_PROJECT,
        PROCESS_PENDING_ITEMS, RECOMPUTE_PROJECT_AGREEMENT,
        REFRESH_PROJECT_FLAGS, HOLD_REOPENED_FLAGS, REFRESH_PROJECT,
        REBUILD_AGREEMENT_COUNTS, REBUILD_FLAG_COUNTS,
        REFRESH_DASHBOARD_FIGURES, REFRESH_MEMBER_FIGURES,
    }
)
