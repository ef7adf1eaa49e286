"""Property-based fuzzing of /graphql with operations generated from schema.graphql.

hypothesis-graphql builds queries and mutations from the contract itself: valid ones
(`Mode.POSITIVE`), ones with exactly one schema violation (`Mode.NEGATIVE`), and a third test
declares every root field's arguments as variables and sends arbitrary JSON for them. Each
generated request goes over real HTTP to the real binary as every kind of caller: an admin, a
manager, a rep of the manager's department, a rep of another department, an anonymous caller, a
revoked token and a garbage token; over POST with `application/json`, POST accepting
`application/graphql-response+json` (4xx for request errors), or GET.

The properties, for every response:

* the process is still running (a crash is restarted so shrinking can go on, and reported);
* the status is below 500;
* the body is a JSON object with `data` and/or a non-empty `errors` list;
* every error carries `extensions.code` from the documented `ErrorCode` enum, and none is
  `INTERNAL` (documented as "an unexpected fault": a generated request must never cause one);
* callers without a valid token get 401 UNAUTHENTICATED and no data, whatever they send;
* the compiled executor and GraphQLSwift's reference executor answer the same: the server runs
  with `--executor verify` (both executors on every request, compared) and no answer may carry
  `Gonghai-Executor-Check: different`. `test_executors_agree_for_every_role` sends at least
  1,000 generated operations per role (`GONGHAI_DIFFERENTIAL_EXAMPLES`) and counts how many the
  compiled executor ran itself.

`GONGHAI_FUZZ_EXAMPLES` sets the examples per test (default 500: the file takes about a
minute on 2 cores; `GONGHAI_FUZZ_EXAMPLES=5000` for a long run). The server runs with
`--rate-limit 0`; the depth and cost limits stay on (QUERY_TOO_DEEP / QUERY_TOO_COMPLEX are
documented answers). `--hypothesis-show-statistics` shows which codes the callers got.
"""
import datetime
import hashlib
import http.client
import json
import os
import re
import sqlite3
import time
import urllib.parse

import graphql
import pytest
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from gonghai import ROOT, Server, error_codes

EXAMPLES = int(os.environ.get("GONGHAI_FUZZ_EXAMPLES", "500"))
DIFFERENTIAL_EXAMPLES = int(os.environ.get("GONGHAI_DIFFERENTIAL_EXAMPLES", "1000"))
CHECK_HEADER = "Gonghai-Executor-Check"
DOCUMENTED = error_codes()
with open(os.path.join(ROOT, "schema.graphql"), encoding="utf-8") as _handle:
    SDL = _handle.read()
SCHEMA = graphql.build_schema(SDL)

# hypothesis imports libcst to print some failures; its deprecation noise hides the report.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

# Demo users (checked by the fixture): 王磊 manages East China (dep_2), 李娜 is a rep in its
# Shanghai team (dep_3), 黄磊 a rep in Shenzhen under South China (dep_6); 张伟's token is revoked.
MANAGER, REP, OTHER_REP, REVOKED_USER = "王磊", "李娜", "黄磊", "张伟"
AUTHENTICATED = ("admin", "manager", "rep", "other-department rep")
UNAUTHENTICATED = ("anonymous", "revoked token", "garbage token")


# --- scalar strategies --------------------------------------------------------------------------

def _iso(moment, milliseconds=True):
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if milliseconds:
        text += ".%03d" % (moment.microsecond // 1000)
    return text + "Z"


DATE_TIMES = st.one_of(
    # valid: UTC with or without milliseconds, mostly around now, sometimes any year 1-9999
    st.datetimes(min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 12, 31)).map(_iso),
    st.datetimes().map(lambda moment: _iso(moment, milliseconds=False)),
    # valid-looking but wrong: offsets, no zone, impossible dates and times, other years
    st.sampled_from([
        "2026-11-23T08:30:00.000+08:00", "2026-11-23T08:30:00", "2026-11-23", "2026-02-30T00:00:00Z",
        "2026-11-23T24:00:00Z", "2026-12-31T23:59:60Z", "2026-11-23t08:30:00z", "0000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2026-11-23T08:30:00.1234567890123Z",
        "2026-11-23 08:30:00Z", "", " ", "now", "1763886600", "2026-13-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"]),
    st.text(max_size=30),
).map(nodes.String) | st.integers().map(nodes.Int)

ID_KINDS = ("cus", "usr", "pool", "dep", "fu", "evt", "ntf", "run", "wh", "dlv")  # GlobalID.Kind
WELL_FORMED_IDS = st.tuples(
    st.sampled_from(ID_KINDS + ("cus",) * 7 + ("usr", "pool")), st.integers(0, 60)).map(lambda pair: "%s_%d" % pair)
ID_TEXTS = st.one_of(
    # well-formed ids of every kind (customers most often), mostly of rows the demo data has;
    # weighted so that operations with several ids often get through to the resolvers
    *[WELL_FORMED_IDS] * 6,
    st.tuples(st.sampled_from(ID_KINDS), st.sampled_from([-1, 2**31, 2**63 - 1, 2**63, 10**25])).map(lambda pair: "%s_%d" % pair),
    st.sampled_from(["", "cus_", "_42", "cus-42", "CUS_42", " cus_42", "cus_42 ", "cus_0x2a", "cus_4 2",
                     "cus_42_1", "cus_٤٢", "usr_1\x00", "pool_1e3", "dep_+1"]),
    st.text(max_size=12),
)
IDS = ID_TEXTS.map(nodes.String) | st.integers(-(2**40), 2**40).map(nodes.Int)

CUSTOM_SCALARS = {"DateTime": DATE_TIMES, "ID": IDS}


# --- the server and its callers -----------------------------------------------------------------

class Caller:
    """Sends requests on one keep-alive connection (so long runs do not exhaust ports) and
    notices when the server died."""

    def __init__(self, server):
        self.server = server
        self.connection = None

    def send(self, method, path, body, headers):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2 or self.server.process.poll() is not None:
                    raise


@pytest.fixture(scope="module")
def fuzz():
    """A demo server without rate limit, and a token for each kind of caller. The revoked token
    is revoked the way the console's Revoke button does it (api_tokens.revoked_at)."""
    server = Server(extra=["--rate-limit", "0", "--executor", "verify"])
    status, result = server.graphql("{ users { id name role department { id } } }", token=server.admin_token)
    assert status == 200, result
    people = {user["name"]: (user["role"], user["department"]["id"]) for user in result["data"]["users"]}
    assert people[MANAGER] == ("MANAGER", "dep_2") and people[REP] == ("REP", "dep_3")
    assert people[OTHER_REP] == ("REP", "dep_6") and people[REVOKED_USER][0] == "REP"
    revoked = server.token(REVOKED_USER)
    connection = sqlite3.connect(server.database, timeout=30)
    with connection:
        connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ?",
                           (int(time.time() * 1000), hashlib.sha256(revoked.encode()).digest()))
    connection.close()
    assert server.graphql("{ me { id } }", token=revoked)[0] == 401
    server.tokens = {
        "admin": server.admin_token, "manager": server.token(MANAGER), "rep": server.token(REP),
        "other-department rep": server.token(OTHER_REP), "anonymous": None, "revoked token": revoked,
        "garbage token": "gh_" + "A" * 43,
    }
    server.caller = Caller(server)
    yield server
    server.close()


def reactivate_users(server):
    """A generated `setUserActive(active: false)` would lock a role out for the rest of the run."""
    connection = sqlite3.connect(server.database, timeout=30)
    with connection:
        connection.execute("UPDATE users SET active = 1 WHERE active = 0")
    connection.close()


def send(server, identity, transport, query, variables=None):
    """One request; returns (status, headers, body bytes), or raises AssertionError if the
    server died (after restarting it on the same port and database)."""
    headers = {}
    token = server.tokens[identity]
    if token:
        headers["Authorization"] = "Bearer " + token
    if transport == "graphql-response+json":
        headers["Accept"] = "application/graphql-response+json"
    if transport == "GET":
        arguments = {"query": query}
        if variables is not None:
            arguments["variables"] = json.dumps(variables)
        path = "/graphql?" + urllib.parse.urlencode(arguments)
        method, body = "GET", None
    else:
        headers["Content-Type"] = "application/json"
        payload = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        path, method, body = "/graphql", "POST", json.dumps(payload).encode()
    try:
        answer = server.caller.send(method, path, body, headers)
    except (http.client.HTTPException, OSError) as error:
        answer = error
        try:
            server.process.wait(timeout=10)  # a crashing Swift process prints its backtrace first
        except Exception:
            pass
    if server.process.poll() is not None:
        exit_status = server.process.returncode
        server.start()
        server.caller = Caller(server)
        raise AssertionError(
            "gonghai died (exit status %s) on this request as %s over %s; log: %s"
            % (exit_status, identity, transport, server.log.name))
    if isinstance(answer, Exception):
        raise AssertionError("no HTTP answer as %s over %s: %r" % (identity, transport, answer))
    return answer


def check(status, headers, body, identity, transport, query, variables):
    """The properties every answer must have; returns the error codes."""
    where = "as %s over %s\n%s\nvariables: %s\n-> %s %r" % (
        identity, transport, query, json.dumps(variables, ensure_ascii=False), status, body[:500])
    assert status < 500, where
    assert headers.get("Content-Type", "").split(";")[0] in (
        "application/json", "application/graphql-response+json"), where
    document = json.loads(body)
    assert isinstance(document, dict) and ("data" in document or document.get("errors")), where
    errors = document.get("errors", [])
    codes = [error.get("extensions", {}).get("code") for error in errors]
    undocumented = [code for code in codes if code not in DOCUMENTED]
    assert not undocumented, "undocumented codes %s %s" % (undocumented, where)
    assert "INTERNAL" not in codes, "an unexpected fault " + where
    verdict = headers.get(CHECK_HEADER)
    assert verdict != "different", "the compiled and reference executors differ (see the server log) " + where
    if identity in UNAUTHENTICATED:
        assert (status, codes, document.get("data")) == (401, ["UNAUTHENTICATED"], None), where
    if currently_in_test_context():  # statistics for --hypothesis-show-statistics
        event("%s: %d %s" % (identity, status, ",".join(sorted(set(codes))) or "ok"))
    return codes


def send_as_everyone(server, transport, query, variables=None):
    note("query: %s\nvariables: %s\ntransport: %s" % (query, json.dumps(variables, ensure_ascii=False), transport))
    for identity in AUTHENTICATED + UNAUTHENTICATED:
        status, headers, body = send(server, identity, transport, query, variables)
        check(status, headers, body, identity, transport, query, variables)
    if "setUserActive" in query:
        reactivate_users(server)


def transport_for(query):
    """GET carries queries and mutations alike (a mutation must get 405); long ones go by POST
    so the URL stays within libmicrohttpd's header memory."""
    choices = ["application/json", "graphql-response+json"]
    if len(urllib.parse.quote(query)) < 8000:
        choices.append("GET")
    return st.sampled_from(choices)


# --- the tests ----------------------------------------------------------------------------------

@FUZZ_SETTINGS
@given(data=st.data())
def test_valid_generated_operations(fuzz, data):
    """Valid queries and mutations over the whole schema (typed ids, DateTime values both
    well-formed and not), as every caller: never 5xx, always JSON with documented codes, never
    INTERNAL, never a crash, and no data without a valid token."""
    query = data.draw(from_schema(SDL, custom_scalars=CUSTOM_SCALARS), label="query")
    send_as_everyone(fuzz, data.draw(transport_for(query), label="transport"), query)


@FUZZ_SETTINGS
@given(data=st.data())
def test_generated_operations_with_one_schema_violation(fuzz, data):
    """Operations with exactly one schema violation (wrong argument type, missing required
    argument, unknown enum value, out-of-range literal...) must be refused with a documented
    code (GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT...), never INTERNAL, never 5xx or a crash."""
    query = data.draw(from_schema(SDL, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE), label="query")
    send_as_everyone(fuzz, data.draw(transport_for(query), label="transport"), query)


# Every root field with arguments, its arguments declared as variables of their schema types.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

PLAIN_VALUES = {
    "Int": st.integers(-(2**31), 2**31 - 1) | st.integers(-(2**64), 2**64) | st.sampled_from([0, -1, 1, 100, 101]),
    "Float": st.floats(allow_nan=False, allow_infinity=False),
    "String": st.text(max_size=40),
    "Boolean": st.booleans(),
    "ID": ID_TEXTS,
    "DateTime": DATE_TIMES.map(lambda node: node.value if isinstance(node, graphql.StringValueNode) else int(node.value)),
}


def json_for(type_, depth=0):
    """JSON values shaped like `type_` (with nulls, unknown enum names, missing and extra
    fields), and now and then anything at all."""
    if isinstance(type_, graphql.GraphQLNonNull):
        shaped = json_for_named(type_.of_type, depth)
    else:
        shaped = st.none() | json_for_named(type_, depth)
    return st.one_of(shaped, shaped, shaped, JSON_VALUES) if depth < 2 else shaped


def json_for_named(type_, depth):
    if isinstance(type_, graphql.GraphQLNonNull):
        return json_for(type_, depth)
    if isinstance(type_, graphql.GraphQLList):
        return st.lists(json_for(type_.of_type, depth + 1), max_size=5) | json_for(type_.of_type, depth + 1)
    if isinstance(type_, graphql.GraphQLEnumType):
        names = sorted(type_.values)
        near_misses = ["", " ", "null", "0"] + [name.lower() for name in names] + [name + " " for name in names]
        return st.sampled_from(names) | st.sampled_from(near_misses) | st.text(max_size=10)
    if isinstance(type_, graphql.GraphQLInputObjectType):
        if depth > 4:
            return st.just({})
        required = {name: json_for(field.type, depth + 1) for name, field in type_.fields.items()
                    if isinstance(field.type, graphql.GraphQLNonNull)}
        optional = {name: json_for(field.type, depth + 1) for name, field in type_.fields.items()
                    if name not in required}
        shaped = st.fixed_dictionaries(required, optional=optional)
        extra = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=2)
        return shaped | st.tuples(shaped, extra).map(lambda pair: {**pair[1], **pair[0]})
    return PLAIN_VALUES[type_.name]


def _operations():
    """Root field name -> (operation text, strategies for its variables)."""
    operations = {}
    for keyword, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        for name, field in root.fields.items():
            if not field.args:
                continue
            declared = ", ".join("$%s: %s" % (argument, spec.type) for argument, spec in field.args.items())
            passed = ", ".join("%s: $%s" % (argument, argument) for argument in field.args)
            selection = " { __typename }" if isinstance(graphql.get_named_type(field.type), graphql.GraphQLObjectType) else ""
            text = "%s Fuzz(%s) { %s(%s)%s }" % (keyword, declared, name, passed, selection)
            operations[name] = (text, {argument: json_for(spec.type) for argument, spec in field.args.items()})
    return operations


OPERATIONS = _operations()


@FUZZ_SETTINGS
@given(data=st.data())
def test_generated_variables(fuzz, data):
    """Every root field's arguments passed as variables with JSON shaped like their types
    (wrong types, nulls, out-of-range numbers, unknown enum names, extra and missing fields,
    arbitrary JSON): variable coercion must answer BAD_USER_INPUT or the field's own codes,
    never INTERNAL, 5xx or a crash."""
    query, strategies = OPERATIONS[data.draw(st.sampled_from(sorted(OPERATIONS)), label="root field")]
    variables = data.draw(st.fixed_dictionaries({}, optional=strategies), label="variables")
    transport = data.draw(st.sampled_from(["application/json", "graphql-response+json", "GET"]), label="transport")
    send_as_everyone(fuzz, transport, query, variables)


def test_operations_cover_every_root_field_with_arguments():
    """The variables test reaches every root field that takes arguments (34 today)."""
    with_arguments = [name for root in (SCHEMA.query_type, SCHEMA.mutation_type)
                      for name, field in root.fields.items() if field.args]
    assert len(OPERATIONS) == len(with_arguments) and len(OPERATIONS) >= 30
    assert all(re.match(r"(query|mutation) Fuzz\(", text) for text, _ in OPERATIONS.values())


VERDICTS = {identity: {} for identity in AUTHENTICATED}


@settings(FUZZ_SETTINGS, max_examples=DIFFERENTIAL_EXAMPLES)
@given(data=st.data())
def test_executors_agree_for_every_role(fuzz, data):
    """The differential test of the compiled executor: each generated operation (queries and
    mutations over the whole schema, fragments and aliases included) goes to the verifying
    server as each authenticated role, and both executors must give the same response."""
    query = data.draw(from_schema(SDL, custom_scalars=CUSTOM_SCALARS), label="query")
    note("query: %s" % query)
    for identity in AUTHENTICATED:
        status, headers, body = send(fuzz, identity, "application/json", query)
        check(status, headers, body, identity, "application/json", query, None)
        verdict = headers.get(CHECK_HEADER, "none")
        if currently_in_test_context():
            VERDICTS[identity][verdict] = VERDICTS[identity].get(verdict, 0) + 1
    if "setUserActive" in query:
        reactivate_users(fuzz)


def test_the_differential_test_compared_most_operations():
    """Runs after the test above (same file, in order): every role got at least
    DIFFERENTIAL_EXAMPLES operations compared, and the compiled executor ran nearly all of
    them itself ("reference" is its answer for introspection and declined coercions)."""
    for identity, verdicts in VERDICTS.items():
        total = sum(verdicts.values())
        print("%s: %s" % (identity, verdicts))
        assert total >= DIFFERENTIAL_EXAMPLES, (identity, verdicts)
        assert verdicts.get("same", 0) >= 0.9 * total, (identity, verdicts)


# --- regressions the fuzzer found ---------------------------------------------------------------
# Deterministic versions of what the property tests above found, so a fix is proven every run
# and not only when the random search happens to reach it again.

@pytest.mark.parametrize("query,variables", [
    ("query($s: DeliveryStatus) { webhookDeliveries(status: $s) { id } }", {"s": ""}),
    ("query($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }", {"o": {"field": ""}}),
    ("query($f: CustomerFilter) { customers(filter: $f) { totalCount } }", {"f": {"status": [""]}}),
], ids=["enum-variable", "enum-in-input-object", "enum-in-list"])
@pytest.mark.parametrize("transport", ["application/json", "GET"])
def test_empty_enum_name_in_variables_is_refused_not_fatal(fuzz, query, variables, transport):
    """Found by test_generated_variables: an enum-typed variable (or enum field of an input
    variable) holding the empty string killed the whole server (SIGILL: "Range requires
    lowerBound <= upperBound" in GraphQLSwift's lexicalDistance while computing "did you mean"
    suggestions for ""), for any caller with a valid token, rep included. It must be
    BAD_USER_INPUT, as for any other unknown enum name."""
    status, headers, body = send(fuzz, "rep", transport, query, variables)
    codes = check(status, headers, body, "rep", transport, query, variables)
    assert codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("literal", ["-2147483649", "-9223372036854775808"])
def test_int_literal_outside_32_bits_in_a_nested_argument_is_refused(fuzz, literal):
    """Found by test_generated_operations_with_one_schema_violation: an Int literal that fits
    64 but not 32 bits, on a nested field's argument (negative, so the cost estimate does not
    refuse it first), passed validation and failed during execution as INTERNAL with an empty
    path. It must be refused like `first: 1.5` or `first: 99999999999999999999`
    (GRAPHQL_VALIDATION_FAILED) or at least as BAD_USER_INPUT."""
    query = '{ customer(id: "cus_1") { followUps(first: %s) { id } } }' % literal
    status, headers, body = send(fuzz, "admin", "graphql-response+json", query)
    codes = check(status, headers, body, "admin", "graphql-response+json", query, None)
    assert codes in (["GRAPHQL_VALIDATION_FAILED"], ["BAD_USER_INPUT"])
