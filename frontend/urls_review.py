"""Pages of the review area: the queue and the item review (reviewers and leads)."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views import review_actions, review_item, review_queue, review_undo

urlpatterns = [
    path("projects/<int:project_id>/review/", review_queue.review_queue_page, name="review-queue"),
    path(
        "projects/<int:project_id>/review/items/<int:item_id>/",
        review_item.review_item_page,
        name="review-item",
    ),
    path(
        "projects/<int:project_id>/review/items/<int:item_id>/<slug:action>",
        review_actions.review_action,
        name="review-action",
    ),
    path("projects/<int:project_id>/review/undo", review_undo.review_undo, name="review-undo"),
]

register_project_link(
    label="Review",
    url_name="review-queue",
    roles={"reviewer", "lead"},
    order=30,
    sub_pages={"review-item"},
)
