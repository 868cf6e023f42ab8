"""Deployments over HTTP: created, read, scaled and deleted (each change answered at once
with 202 and a status URL), and the deployment as one service behind Jonar."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ...core.errors import BadRequest, Unavailable
from ...core.peers import Peers
from ...core.routing import Call, Routes, endpoint, json
from ...core.settings import StackSettings
from .controller import Controller
from .model import Deployment

Component = Literal["api", "distilera", "hoardwell", "mercatrix"]
_VERSION = r"^[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9.-]+)?$"


class Resources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu: str = Field("500m", pattern=r"^[0-9]+(m|\.[0-9]+)?$")
    memory: str = Field("512Mi", pattern=r"^[0-9]+(Ki|Mi|Gi)?$")


class AutoscalingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_replicas: int | None = Field(None, ge=1, le=20)
    max_replicas: int | None = Field(None, ge=1, le=20)
    target_rps_per_replica: float | None = Field(None, gt=0, le=100_000)
    window_seconds: float | None = Field(None, gt=0, le=300)
    stabilization_seconds: float | None = Field(None, ge=0, le=3600)


class NewDeployment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    component: Component
    version: str = Field(pattern=_VERSION)
    replicas: int = Field(1, ge=1, le=20)
    resources: Resources = Resources()
    autoscaling: AutoscalingSpec = AutoscalingSpec()
    rollout_timeout_seconds: float | None = Field(None, gt=0, le=600)


class ScaleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    replicas: int = Field(ge=1, le=20)
    rollout_timeout_seconds: float | None = Field(None, gt=0, le=600)


class Member(BaseModel):
    index: int
    url: str
    pid: int | None
    ready: bool
    restarts: int
    last_exit: str | None


class DeploymentView(BaseModel):
    id: str
    component: str
    version: str
    replicas: int
    ready_replicas: int
    available_replicas: int
    status: Literal["progressing", "ready", "failed", "deleting", "deleted"]
    reason: str | None
    generation: int
    observed_generation: int
    status_url: str
    service_url: str
    autoscaling: dict[str, Any]
    resources: dict[str, Any] | None
    members: list[Member]
    created_at: str


class DeploymentList(BaseModel):
    data: list[DeploymentView]


class DeploymentRoutes(Routes):
    tag = "infrastructure"

    def __init__(self, settings: StackSettings, controller: Controller, peers: Peers) -> None:
        self.settings = settings
        self.controller = controller
        self.peers = peers

    def _view(self, deployment: Deployment) -> dict[str, Any]:
        return deployment.public(self.controller.jonar_url)

    def _accepted(self, deployment: Deployment) -> Response:
        """202: the change is under way; its status URL says when it is done."""
        view = self._view(deployment)
        return json(view, status=202, headers={"Location": view["status_url"]})

    @endpoint(
        "POST",
        "/deployments/",
        body=NewDeployment,
        responses={202: DeploymentView, 409: None},
        access="trusted",
    )
    async def deploy_component(self, call: Call) -> Response:
        """Roll out replicas of a component: accepted at once, ready when its
        observed_generation reaches its generation with status ready (or failed, with the
        reason)."""
        new: NewDeployment = call.body
        overrides = new.autoscaling.model_dump(exclude_none=True)
        overrides.setdefault("min_replicas", new.replicas)
        policy = self.settings.jonar.autoscaling.model_copy(update=overrides)
        if policy.max_replicas < policy.min_replicas:
            raise BadRequest("autoscaling.max_replicas is below min_replicas")
        spec = {"resources": new.resources.model_dump()}
        deployment = await self.controller.deploy(
            new.component, new.version, new.replicas, spec, policy, new.rollout_timeout_seconds
        )
        return self._accepted(deployment)

    @endpoint("GET", "/deployments/", responses={200: DeploymentList}, access="user")
    async def list_deployments(self, call: Call) -> Response:
        """Every deployment Jonar runs or ran, with its replicas."""
        return json({"data": [self._view(d) for d in self.controller.deployments.values()]})

    @endpoint(
        "GET", "/deployments/{deployment_id}/", responses={200: DeploymentView}, access="user"
    )
    async def get_deployment_status(self, call: Call) -> Response:
        """A deployment's desired, ready and available replicas."""
        return json(self._view(self.controller.get(call.path["deployment_id"])))

    @endpoint(
        "PATCH",
        "/deployments/{deployment_id}/",
        body=ScaleRequest,
        responses={202: DeploymentView, 409: None},
        access="trusted",
    )
    async def scale_component(self, call: Call) -> Response:
        """Scale to a number of replicas: accepted at once; new ones must become ready,
        old ones drain."""
        request: ScaleRequest = call.body
        deployment = self.controller.get(call.path["deployment_id"])
        who = call.require_identity().user_id
        await self.controller.scale(
            deployment, request.replicas, f"requested by {who}", request.rollout_timeout_seconds
        )
        return self._accepted(deployment)

    @endpoint(
        "DELETE",
        "/deployments/{deployment_id}/",
        responses={202: DeploymentView},
        access="trusted",
    )
    async def delete_deployment(self, call: Call) -> Response:
        """Stop every replica of a deployment: accepted at once, deleted when its status
        says so."""
        deployment = await self.controller.delete(self.controller.get(call.path["deployment_id"]))
        return self._accepted(deployment)

    @endpoint(
        "GET",
        "/deployments/{deployment_id}/service/{path:path}",
        responses={200: None, 409: None, 503: None},
    )
    async def service(self, call: Call) -> Response:
        """The deployment as one service: each request goes to the next ready replica
        (409 with Retry-After while none is ready; 503 if the replica does not answer)."""
        deployment = self.controller.get(call.path["deployment_id"])
        replica = deployment.next_ready()
        headers = Peers.forwarded_headers(call.request.headers)
        try:
            async with self.peers.session.get(
                f"{replica.url}/{call.path['path']}",
                headers=headers,
                params=call.request.query_params,
            ) as reply:
                body = await reply.read()
                content_type = reply.headers.get("content-type")
                return Response(body, status_code=reply.status, media_type=content_type)
        except Exception:
            raise Unavailable(
                f"replica {replica.index} of {deployment.id} did not answer"
            ) from None
