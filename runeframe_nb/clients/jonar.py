"""Jonar: infrastructure; here its alerts (deployments and scaling have their own methods)."""

from __future__ import annotations

from typing import Any

from ._service import ServiceClient
from .models import Alert


class JonarClient(ServiceClient):
    service = "jonar"

    async def get_system_alerts(
        self, component: str | None = None, type: str | None = None
    ) -> list[Alert]:
        return await self.collect(
            Alert, "/alerts/", since=self.since, component=component, type=type
        )

    async def raise_alert(self, type: str, component: str, message: str, **fields: Any) -> Alert:
        body = {"type": type, "component": component, "message": message, **fields}
        return await self.fetch(Alert, "POST", "/alerts/", json=body)
