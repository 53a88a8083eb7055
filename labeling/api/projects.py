"""Projects and members over REST. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labeling import selectors, services
from labeling.api.errors import error_responses
from labeling.api.serializers import (
    MemberAddSerializer,
    MembershipSerializer,
    ProjectCreateSerializer,
    ProjectDeleteSerializer,
    ProjectDeleteStartedSerializer,
    ProjectSerializer,
    ProjectSettingsPatchSerializer,
)
from labeling.exceptions import NotFound
from labeling.models import Membership, Project, Role
from labeling.permissions import project_for_role, require_project_creator


@extend_schema_view(get=extend_schema(responses={200: ProjectSerializer(many=True), **error_responses(401, 404)}))
class ProjectListApi(generics.ListAPIView):
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()  # for the schema; get_queryset reads the caller's

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.project_list_for_user(self.request.user)

    @extend_schema(
        request=ProjectCreateSerializer, responses={201: ProjectSerializer, **error_responses(400, 401, 403, 409)}
    )
    def post(self, request: Request) -> Response:
        """Create a project; the caller becomes its lead. Needs the site permission (403)."""
        require_project_creator(request.user)
        payload = ProjectCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        project = services.project_create(created_by=request.user, **payload.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses={200: ProjectSerializer, **error_responses(401, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for_role(request.user, project_id)
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        request=ProjectSettingsPatchSerializer,
        responses={200: ProjectSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, project_id: int) -> Response:
        """Change any setting (names as in the response's `settings`, or the stored shape such
        as {"flags": {"unsure": {"enabled": false}}}); leads only. A 400 lists every bad
        setting in errors.fields {name: message}; an archived project answers 409.

        Changing one that affects aggregates, p_wrong or flags recomputes them after commit.
        `settings.prelabel` sets the model server: url, auth (none, basic, bearer), username,
        password or token (write-only, stored encrypted; "" clears), timeout (s), batch_size,
        train_on_annotation; a 400 lists each bad field under errors.fields.
        """
        project = project_for_role(request.user, project_id, (Role.LEAD,))
        payload = ProjectSettingsPatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        project = services.project_settings_merge(
            project=project, actor=request.user, settings=data["settings"],
            name=data.get("name"), description=data.get("description"),
        )
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        request=ProjectDeleteSerializer,
        responses={202: ProjectDeleteStartedSerializer, **error_responses(400, 401, 403, 404)},
    )
    def delete(self, request: Request, project_id: int) -> Response:
        """Delete the project and everything in it; leads only. The body's `confirm` must be
        the project's name (400 otherwise). Answers 202 {"items": n} at once: the project is
        gone for everyone, and a background task deletes its rows in batches."""
        project = project_for_role(request.user, project_id, (Role.LEAD,))
        payload = ProjectDeleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = services.project_delete_request(
            project=project, actor=request.user, confirm=payload.validated_data["confirm"]
        )
        return Response({"items": count, "status": "deleting"}, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    get=extend_schema(responses={200: MembershipSerializer(many=True), **error_responses(401, 404)})
)
class MemberListApi(generics.ListAPIView):
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema; get_queryset checks the caller

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.member_list(user=self.request.user, project_id=self.kwargs["project_id"])

    @extend_schema(
        request=MemberAddSerializer,
        responses={201: MembershipSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, project_id: int) -> Response:
        """Add a user by username (or change their role); leads only."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        payload = MemberAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(username=payload.validated_data["username"]).first()
        if user is None:
            raise NotFound(f"No user named {payload.validated_data['username']!r}")
        membership = services.membership_set(
            project=project, user=user, role=payload.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    @extend_schema(request=None, responses={204: None, **error_responses(401, 403, 404, 409)})
    def delete(self, request: Request, project_id: int, membership_id: int) -> Response:
        """Remove a member; leads only."""
        project = project_for_role(request.user, project_id, [Role.LEAD])
        membership = get_object_or_404(project.memberships, pk=membership_id)
        services.membership_remove(project=project, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
