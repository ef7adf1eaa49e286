"""Real GraphQL client libraries against the real gonghai binary, with their defaults.

Python's `gql` (4.x) fetches the schema by introspection before it runs anything, asking for input
value deprecation by default; graphql-core's `get_introspection_query` with every option on is what
GraphiQL-style tools send. Both must get the whole schema, build it, and then run typed operations
that they validate locally against it.
"""
import json
import os
import sys

import pytest
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport
from graphql import build_client_schema, build_schema, get_introspection_query

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
from gonghai import ROOT, Server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    server = Server()
    yield server
    server.close()


def client(server, fetch_schema=True):
    transport = RequestsHTTPTransport(
        url="http://127.0.0.1:%d/graphql" % server.port,
        headers={"Authorization": "Bearer " + server.admin_token}, timeout=30)
    return Client(transport=transport, fetch_schema_from_transport=fetch_schema)


def test_gql_with_its_defaults_fetches_the_schema_and_runs_a_typed_query(server):
    with client(server) as session:
        page = gql("""
            query Page($first: Int) { me { name role } customers(first: $first) { totalCount nodes { id name } } }
            """)
        page.variable_values = {"first": 3}
        result = session.execute(page)
        assert session.client.schema is not None, "gql built the schema from introspection"
        assert result["me"]["role"] == "ADMIN"
        assert len(result["customers"]["nodes"]) == 3 <= result["customers"]["totalCount"]
        # Validated locally against the fetched schema: a field the schema lacks never leaves.
        with pytest.raises(Exception, match="Cannot query field 'nope'"):
            session.execute(gql("{ me { nope } }"))


def test_graphql_core_full_introspection_rebuilds_the_schema_file(server):
    query = get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True,
        schema_description=True, input_value_deprecation=True)
    status, body = server.graphql(query, token=server.admin_token)
    assert status == 200 and "errors" not in body, body.get("errors")
    served = build_client_schema(body["data"])
    with open(os.path.join(ROOT, "schema.graphql"), encoding="utf-8") as handle:
        declared = build_schema(handle.read())
    for name, declared_type in declared.type_map.items():
        if name.startswith("__"):
            continue
        served_type = served.type_map.get(name)
        assert served_type is not None, name
        fields = getattr(declared_type, "fields", None)
        if fields:
            assert set(served_type.fields) == set(fields), name
            for field_name, field in fields.items():
                served_args = getattr(served_type.fields[field_name], "args", {}) or {}
                declared_args = getattr(field, "args", {}) or {}
                assert set(served_args) == set(declared_args), "%s.%s" % (name, field_name)
                for arg_name, arg in declared_args.items():
                    assert served_args[arg_name].default_value == arg.default_value, "%s.%s(%s)" % (name, field_name, arg_name)


def test_an_sse_client_library_receives_live_updates(server):
    """sseclient-py over a streaming `requests` response: the GraphQL over SSE protocol as a
    client library speaks it (event names, JSON data, keep-alive comments ignored)."""
    import threading

    import requests
    import sseclient

    headers = {"Authorization": "Bearer " + server.admin_token, "Accept": "text/event-stream"}
    response = requests.post(
        "http://127.0.0.1:%d/graphql" % server.port, stream=True, timeout=30, headers=headers,
        json={"query": "subscription { myCustomersChanged { kind customer { id owner { name } } } }"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = []
    reader = threading.Thread(target=lambda: events.extend(
        [next(iter(sseclient.SSEClient(response).events()))]), daemon=True)
    reader.start()
    status, page = server.graphql("{ me { id } customers(first: 1, filter: {inPool: true}) { nodes { id } } }", token=server.admin_token)
    me, customer = page["data"]["me"]["id"], page["data"]["customers"]["nodes"][0]["id"]
    status, assigned = server.graphql(
        "mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }",
        {"c": [customer], "u": me}, token=server.admin_token)
    assert assigned["data"]["assignCustomers"]["succeeded"] == 1
    reader.join(timeout=10)
    response.close()
    assert len(events) == 1, "no event within 10 s"
    assert events[0].event == "next"
    change = json.loads(events[0].data)["data"]["myCustomersChanged"]
    assert change["kind"] == "ASSIGNED" and change["customer"]["id"] == customer
