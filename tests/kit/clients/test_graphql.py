"""The edge's GraphQL through the kit's client, on a real stack: a mutation's variables
come back as written (text outside ASCII included), a read by another name finds them,
an error raises, and without a token the edge answers nothing about users."""

from __future__ import annotations

import uuid

import pytest
from gql.transport.exceptions import TransportQueryError

import runeframe_nb as rf
from runeframe_nb import GraphQLClient

CREATE = """
mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { user { id name email } errors { field message } }
}"""
READ = "query Read($id: ID!) { user(id: $id) { id name email } }"


async def test_what_a_mutation_writes_a_query_reads_back(environment: rf.Environment) -> None:
    graphql = GraphQLClient(environment=environment, fetch_schema_from_transport=False)
    written = {"name": "Ἀθηνᾶ 雪 ✓", "email": f"g{uuid.uuid4().hex[:10]}@runeframe.example"}
    made = await graphql.execute_async(CREATE, variable_values={"input": written})
    assert made["createUser"]["errors"] == []
    user = made["createUser"]["user"]
    assert {k: user[k] for k in written} == written
    read = await graphql.execute_async(
        READ, variable_values={"id": user["id"]}, operation_name="Read"
    )
    assert read == {"user": user}


async def test_an_error_raises_and_no_token_reads_no_user(environment: rf.Environment) -> None:
    graphql = GraphQLClient(environment=environment, fetch_schema_from_transport=False)
    with pytest.raises(TransportQueryError, match="notAField"):
        await graphql.execute_async("{ notAField }")
    anonymous = GraphQLClient(
        environment=environment, anonymous=True, fetch_schema_from_transport=False
    )
    with pytest.raises(TransportQueryError):
        await anonymous.execute_async(READ, variable_values={"id": "user_123"})
