"""The edge's GraphQL through gql, called as the seed calls it.

The seed's `client.execute_async(query, variable_values=...)` is gql 3's form; gql 4
takes a request object. This client keeps the seed's form on top of current gql.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ..environment import Environment
from ._service import client_settings

if TYPE_CHECKING:
    from gql import GraphQLRequest


class GraphQLClient:
    def __init__(
        self,
        test_mode: bool = True,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        token: str | None = None,
        anonymous: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        fetch_schema_from_transport: bool = True,
    ) -> None:
        self.test_mode = test_mode
        settings = client_settings(
            "api",
            environment=environment,
            base_url=base_url,
            token=token,
            anonymous=anonymous,
            transport=transport,
        )
        # gql and graphql-core take 0.1 s to import: paid by a notebook that speaks GraphQL
        from gql import Client
        from gql.transport.httpx import HTTPXAsyncTransport

        url = f"{settings.pop('base_url')}/graphql/"
        self.client = Client(
            transport=HTTPXAsyncTransport(url=url, **settings),
            fetch_schema_from_transport=fetch_schema_from_transport,
        )

    async def execute_async(
        self,
        document: GraphQLRequest | str,
        variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Run a query or mutation; GraphQL errors raise gql's TransportQueryError.

        gql connects and closes its transport around each call, so nothing stays open.
        """
        from gql import GraphQLRequest

        request = GraphQLRequest(
            document, variable_values=variable_values, operation_name=operation_name
        )
        result: dict[str, Any] = await self.client.execute_async(request)
        return result

    @property
    def schema(self) -> Any:
        return self.client.schema
