"""Several gonghai instances on one PostgreSQL database, driven through the real binary:
claim races through two instances, SIGKILL of one instance while the other serves, a
PostgreSQL restart under load, and two sweep schedulers at the same sweep time.

Uses the server GONGHAI_TEST_POSTGRES names (a URL without a database name whose user may
create databases), else a throwaway cluster of scripts/postgres-cluster; the restart tests
always start a cluster of their own, since they stop and restart it. Skipped only when
PostgreSQL is not installed. About 25 s on 2 cores.
"""
import collections
import concurrent.futures
import http.client
import json
import random
import threading
import time
import uuid

import pytest

from gonghai import PostgresCluster, PostgresServer, add_user, error_codes, postgres_available, replay_ownership

if not postgres_available():
    pytest.skip("PostgreSQL is not installed (no psql or pg_config): install postgresql and libpq-dev",
                allow_module_level=True)

# Every instance: no rate limit (the tests send hundreds of requests a second per token) and
# more worker threads than cores, so requests of the two instances interleave.
COMMON = ["--rate-limit", "0", "--threads", "4"]

CLAIM = "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { customerId ok error { code } } } }"
RELEASE = "mutation($id: ID!) { releaseCustomer(id: $id, reason: \"reliability\") { id } }"
CREATE = "mutation($n: String!) { createCustomer(input: {name: $n}) { id } }"
CREATE_POOL = "mutation($input: PoolInput!) { createPool(input: $input) { id } }"
OWNER_LIMIT = "mutation($max: Int!) { setOwnerLimit(scope: {kind: EVERYONE}, limit: {maxPrivate: $max}) { scope } }"

# What a claim may be refused with when nothing is broken.
BUSINESS_CODES = {"ALREADY_OWNED", "OWNED_LIMIT_REACHED", "DAILY_CLAIM_LIMIT_REACHED"}
# What a request may get while PostgreSQL is unreachable.
OUTAGE_CODES = {"UNAVAILABLE"}


def number(global_id):
    return int(global_id.split("_", 1)[1])


# Fixtures: one PostgreSQL server for the module, a database and its instances per test.

@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster.shared()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def own_cluster():
    """A cluster of this module's own, which the restart tests stop and restart."""
    cluster = PostgresCluster.start()
    yield cluster
    cluster.stop()


class Deployment:
    """A fresh database and the gonghai instances serving it; closed after the test."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.url = cluster.create_database()
        self.servers = []

    def instance(self, extra=(), sweep=False, start=True):
        server = PostgresServer(self.url, extra=COMMON + list(extra), sweep=sweep, start=start)
        self.servers.append(server)
        return server

    def close(self):
        for server in self.servers:
            if server.alive():
                server.kill()
            server.close()
        try:
            self.cluster.drop_database(self.url)
        except RuntimeError:
            pass  # the cluster is down after a failed restart test; it is removed anyway


@pytest.fixture
def deployment(cluster):
    deployment = Deployment(cluster)
    yield deployment
    deployment.close()


@pytest.fixture
def restartable(own_cluster):
    deployment = Deployment(own_cluster)
    yield deployment
    deployment.close()


# Setting up a team: an administrator, reps, one default pool of customers.

class Team:
    def __init__(self, url, reps):
        self.url = url
        self.admin = add_user(url, "admin", "admin")
        names = ["rep%02d" % index for index in range(reps)]
        # The first one creates the department: `users add` calls that race to create the same
        # new department fail on PostgreSQL (departments_name_key), so the others wait for it.
        self.tokens = {names[0]: add_user(url, names[0], "rep", "Sales")} if names else {}
        with concurrent.futures.ThreadPoolExecutor(4) as executor:
            self.tokens.update(zip(names[1:], executor.map(lambda name: add_user(url, name, "rep", "Sales"), names[1:])))
        self.names = names
        self.ids = {}
        self.pool_customers = []

    def setup(self, server, customers, claim_rules=None, owner_limit=None, reclaim_rules=None):
        """The default pool (with its rules), the owner limit for everyone, and `customers`
        customers in the pool, through GraphQL as the administrator."""
        rules = {}
        if claim_rules:
            rules["claim"] = claim_rules
        if reclaim_rules:
            rules["reclaim"] = reclaim_rules
        body = ok(server.graphql(CREATE_POOL, {"input": {"name": "公海", "isDefault": True, "rules": rules}}, self.admin))
        self.pool = body["data"]["createPool"]["id"]
        if owner_limit is not None:
            ok(server.graphql(OWNER_LIMIT, {"max": owner_limit}, self.admin))
        for start in range(0, customers, 50):
            fields = " ".join('c%d: createCustomer(input: {name: "Pool Co %d", poolId: "%s"}) { id }' % (index, index, self.pool)
                              for index in range(start, min(customers, start + 50)))
            body = ok(server.graphql("mutation { %s }" % fields, {}, self.admin))
            self.pool_customers += [value["id"] for value in body["data"].values()]
        self.ids = {name: id for id, name in server.sql("SELECT id, name FROM users")}


def error_codes_of(body):
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def refusals_of(body):
    payload = ((body.get("data") or {}).get("claimCustomers") or {}) if isinstance(body, dict) else {}
    return [(result.get("error") or {}).get("code") for result in payload.get("results", []) if not result["ok"]]


def ok(answer):
    """The body of an answer that must have succeeded whole."""
    status, body = answer
    assert status == 200 and not body.get("errors"), (status, body)
    return body


# What the clients saw, and what the servers acknowledged.

class Outcome:
    """One request: which instance, when, how long, and what came back."""

    def __init__(self, instance, started, duration, status=None, codes=(), refusals=(), failure=None):
        self.instance, self.started, self.duration = instance, started, duration
        # codes: the errors' extensions.code; refusals: the codes of a claim's refused results.
        self.status, self.codes, self.refusals, self.failure = status, tuple(codes), tuple(refusals), failure

    def __repr__(self):
        return "<%s at %.2f: %s %s %s %s in %.2fs>" % (
            self.instance, self.started, self.status, self.codes, self.refusals, self.failure or "", self.duration)


class Journal:
    """Every write an instance acknowledged (answered with data and no error), and every
    request's outcome."""

    def __init__(self, pooled=()):
        self.lock = threading.Lock()
        self.created = {}  # customer id -> name
        self.claims = []  # (customer id, user id)
        self.releases = []  # (customer id, user id)
        self.refusals = collections.Counter()  # (instance, claim result code)
        self.outcomes = []
        self.pooled = set(pooled)  # customers believed to be in the pool, to aim claims at

    def call(self, instance, server, query, variables, token, timeout=40):
        """(status, body) of one request, or None if it got no answer; records the outcome."""
        started = time.monotonic()
        try:
            status, body = server.graphql(query, variables, token, timeout=timeout)
        except TimeoutError as error:
            self.record(Outcome(instance, started, time.monotonic() - started, failure="timeout: %s" % error))
            return None
        except (OSError, ValueError, http.client.HTTPException) as error:
            self.record(Outcome(instance, started, time.monotonic() - started, failure=type(error).__name__))
            time.sleep(0.02)
            return None
        self.record(Outcome(instance, started, time.monotonic() - started, status, error_codes_of(body), refusals_of(body)))
        return status, body

    def record(self, outcome):
        with self.lock:
            self.outcomes.append(outcome)

    def acknowledge_claims(self, body, user, instance=None):
        """The claims the payload says succeeded; returns them. Counts the refusals' codes."""
        payload = ((body or {}).get("data") or {}).get("claimCustomers") or {}
        won = []
        with self.lock:
            for result in payload.get("results", []):
                if result["ok"]:
                    self.claims.append((number(result["customerId"]), user))
                    self.pooled.discard(result["customerId"])
                    won.append(result["customerId"])
                else:
                    self.refusals[(instance, (result.get("error") or {}).get("code"))] += 1
        return won

    def acknowledge_release(self, body, customer, user):
        if ((body or {}).get("data") or {}).get("releaseCustomer"):
            with self.lock:
                self.releases.append((number(customer), user))
                self.pooled.add(customer)
            return True
        return False

    def acknowledge_create(self, body, name):
        created = ((body or {}).get("data") or {}).get("createCustomer")
        if created:
            with self.lock:
                self.created[number(created["id"])] = name
            return created["id"]
        return None

    def pick(self, rng, count):
        with self.lock:
            pooled = sorted(self.pooled)
        return rng.sample(pooled, min(count, len(pooled)))


class Worker(threading.Thread):
    """One rep doing a random mix of claims, releases and new customers until told to stop,
    alternating between the instances request by request."""

    def __init__(self, instances, journal, token, user, stop, seed):
        super().__init__(daemon=True)
        self.instances, self.journal, self.token, self.user, self.stop = instances, journal, token, user, stop
        self.random = random.Random(seed)
        self.step = seed
        self.owned = []

    def run(self):
        while not self.stop.is_set():
            name, server = self.instances[self.step % len(self.instances)]
            self.step += 1
            choice = self.random.random()
            if choice < 0.45:
                ids = self.journal.pick(self.random, 2)
                if ids:
                    answer = self.journal.call(name, server, CLAIM, {"ids": ids}, self.token)
                    self.owned += self.journal.acknowledge_claims(answer and answer[1], self.user, name)
            elif choice < 0.75 and self.owned:
                # Once sent, a release's outcome is unknown unless acknowledged: forget the customer.
                target = self.owned.pop(self.random.randrange(len(self.owned)))
                answer = self.journal.call(name, server, RELEASE, {"id": target}, self.token)
                self.journal.acknowledge_release(answer and answer[1], target, self.user)
            else:
                title = "Reliability Co " + uuid.uuid4().hex
                answer = self.journal.call(name, server, CREATE, {"n": title}, self.token)
                created = self.journal.acknowledge_create(answer and answer[1], title)
                if created:
                    self.owned.append(created)


def run_workers(team, instances, journal, stop):
    workers = [Worker(instances, journal, team.tokens[name], team.ids[name], stop, seed) for seed, name in enumerate(team.names)]
    for worker in workers:
        worker.start()
    return workers


def stop_workers(workers, stop):
    stop.set()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "a client is stuck in a request"


# The database checks.

def check_history(server, journal):
    """Each customer is owned or pooled; its ownership events chain (each starts where the last
    ended, a claim only from a pool) and end where the customer is; every acknowledged write is
    there. Returns the largest number of customers any owner held at once by the event order,
    and the per-(customer, kind, user) event counts."""
    most = replay_ownership(server)

    names = {id: name for id, name in server.sql("SELECT id, name FROM customers")}
    missing = [id for id, name in journal.created.items() if names.get(id) != name]
    assert not missing, "acknowledged customers missing: %s" % missing[:10]
    events = collections.Counter()
    for customer, kind, owner in server.sql(
            "SELECT customer_id, kind, coalesce(to_owner_id, from_owner_id) FROM ownership_events WHERE kind IN ('claim', 'release')"):
        events[(customer, kind, owner)] += 1
    for kind, items in (("claim", journal.claims), ("release", journal.releases)):
        acknowledged = collections.Counter((customer, kind, user) for customer, user in items)
        lost = [key for key, count in acknowledged.items() if events[key] < count]
        assert not lost, "acknowledged %ss missing: %s" % (kind, lost[:10])
    return most, events


def outcomes_of(journal, instance, since=None, until=None):
    return [outcome for outcome in journal.outcomes if outcome.instance == instance
            and (since is None or outcome.started >= since) and (until is None or outcome.started < until)]


# a. Claim races through two instances.

REPS = 32
OWNED_MAX = 3
DAILY_MAX = 4
RACE_CUSTOMERS = 120  # more than the reps may hold (96), so owner limits are reached, not just the pool emptied


def test_racing_reps_through_two_instances_never_share_a_customer_or_pass_a_limit(deployment):
    """32 reps, two threads each (one starting on each instance, both alternating), race for
    the same pool customers under an owner limit of 3 and a pool limit of 4 claims a day, a rep
    at the limit sometimes releasing one to claim again: no customer gets two owners, nobody
    holds more than 3 or claims more than 4, every successful claim is exactly one event, and
    every loser is told why with a documented code."""
    team = Team(deployment.url, REPS)
    first = deployment.instance()
    second = deployment.instance()
    team.setup(first, RACE_CUSTOMERS, claim_rules={"maxClaimsPerDay": DAILY_MAX}, owner_limit=OWNED_MAX)
    instances = [("first", first), ("second", second)]
    journal = Journal(team.pool_customers)
    held = {name: [] for name in team.names}
    held_lock = threading.Lock()
    unexpected = []
    barrier = threading.Barrier(REPS * 2)

    def race(name, side):
        rng = random.Random("%s-%d" % (name, side))
        token, user = team.tokens[name], team.ids[name]
        barrier.wait()
        for step in range(12):
            instance, server = instances[(side + step) % 2]
            with held_lock:
                target = held[name].pop() if len(held[name]) >= OWNED_MAX and rng.random() < 0.3 else None
            if target:
                answer = journal.call(instance, server, RELEASE, {"id": target}, token)
                if not journal.acknowledge_release(answer and answer[1], target, user):
                    unexpected.append(("release", answer))
                continue
            ids = journal.pick(rng, 2) or rng.sample(team.pool_customers, 2)
            answer = journal.call(instance, server, CLAIM, {"ids": ids}, token)
            if answer is None or answer[0] != 200 or answer[1].get("errors"):
                unexpected.append(("claim", answer))
                continue
            won = journal.acknowledge_claims(answer[1], user, instance)
            with held_lock:
                held[name] += won
            results = answer[1]["data"]["claimCustomers"]["results"]
            if sum(1 for result in results if (result["error"] or {}).get("code") == "DAILY_CLAIM_LIMIT_REACHED") and step > 6:
                break

    threads = [threading.Thread(target=race, args=(name, side), daemon=True) for name in team.names for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing client is stuck"
    assert not unexpected, "requests that failed: %s" % unexpected[:5]
    assert first.alive() and second.alive()

    owners = dict(first.sql("SELECT owner_id, count(*) FROM customers WHERE owner_id IS NOT NULL GROUP BY owner_id"))
    assert max(owners.values(), default=0) <= OWNED_MAX, "owner limit broken: %s" % owners
    claims_today = dict(first.sql("SELECT to_owner_id, count(*) FROM ownership_events WHERE kind = 'claim' GROUP BY to_owner_id"))
    assert max(claims_today.values(), default=0) <= DAILY_MAX, "daily claim limit broken: %s" % claims_today
    most, events = check_history(first, journal)
    assert most <= OWNED_MAX, "by the event order someone held %d customers at once" % most
    # Exactly one claim event per acknowledged claim, and none without one (every request was answered).
    acknowledged = collections.Counter((customer, "claim", user) for customer, user in journal.claims)
    recorded = collections.Counter({key: count for key, count in events.items() if key[1] == "claim"})
    assert recorded == acknowledged, "claim events differ from the acknowledged claims: %s" % (recorded - acknowledged or acknowledged - recorded)
    released = collections.Counter((customer, "release", user) for customer, user in journal.releases)
    assert collections.Counter({key: count for key, count in events.items() if key[1] == "release"}) == released

    refusals = collections.Counter()
    for (_, code), count in journal.refusals.items():
        refusals[code] += count
    print("claims=%d releases=%d refusals=%s" % (len(journal.claims), len(journal.releases), dict(refusals)))
    assert set(refusals) <= BUSINESS_CODES and set(refusals) <= error_codes(), refusals
    # The race really happened: customers were contested and both limits were reached.
    assert all(refusals[code] > 0 for code in BUSINESS_CODES), refusals
    assert len(journal.claims) >= REPS * 2, "too few claims to prove anything"
    # Both instances took part in the decisions.
    assert outcomes_of(journal, "first") and outcomes_of(journal, "second")


# b. SIGKILL of one instance while the other serves.

def test_sigkill_of_one_instance_loses_nothing_and_the_other_keeps_serving(deployment):
    """Reps write through both instances; one is SIGKILLed mid-flight and started again. Every
    acknowledged write is in the database, owners agree with their last events, and the other
    instance answered every request it got, without a 5xx, throughout."""
    team = Team(deployment.url, 8)
    victim = deployment.instance()
    survivor = deployment.instance()
    team.setup(victim, 80)
    journal = Journal(team.pool_customers)
    stop = threading.Event()
    workers = run_workers(team, [("victim", victim), ("survivor", survivor)], journal, stop)
    try:
        time.sleep(1.5)
        killed_at = time.monotonic()
        victim.kill()
        time.sleep(2.0)
        revived_at = time.monotonic()
        victim.start()
        time.sleep(1.5)
    finally:
        stop_workers(workers, stop)
    assert survivor.alive() and victim.alive()

    survivors = outcomes_of(journal, "survivor")
    failed = [outcome for outcome in survivors if outcome.status is None or outcome.status >= 500 or outcome.codes]
    assert not failed, "the surviving instance failed requests: %s" % failed[:5]
    assert {code for (_, code) in journal.refusals} <= {"ALREADY_OWNED"}, journal.refusals
    assert len(outcomes_of(journal, "survivor", killed_at, revived_at)) >= 20, "the survivor answered too little while the other was down"
    victims = outcomes_of(journal, "victim")
    assert any(outcome.status is None for outcome in outcomes_of(journal, "victim", killed_at, revived_at)), "the kill did not bite"
    assert all(outcome.status is None or (outcome.status == 200 and not outcome.codes) for outcome in victims), [
        outcome for outcome in victims if outcome.status is not None and (outcome.status != 200 or outcome.codes)][:5]
    assert [outcome for outcome in outcomes_of(journal, "victim", revived_at + 1) if outcome.status == 200], "the restarted instance does not serve"

    check_history(survivor, journal)
    print("answers=%d acknowledged: created=%d claims=%d releases=%d" % (
        len(journal.outcomes), len(journal.created), len(journal.claims), len(journal.releases)))
    assert len(journal.claims) > 10 and len(journal.releases) > 5 and len(journal.created) > 5, "too little traffic to prove anything"


# c. PostgreSQL restarting under load.

def wait_health(server, status, timeout=30):
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = server.request("GET", "/healthz", timeout=2)[0]
        except OSError:
            seen = "no answer"
        if seen == status:
            return
        time.sleep(0.02)
    raise AssertionError("/healthz did not answer %s within %d s (last: %s)" % (status, timeout, seen))


class HealthWatch(threading.Thread):
    """Polls each instance's /healthz every 20 ms, recording what it saw."""

    def __init__(self, instances):
        super().__init__(daemon=True)
        self.instances, self.stop, self.seen = instances, threading.Event(), collections.defaultdict(collections.Counter)

    def run(self):
        while not self.stop.is_set():
            for name, server in self.instances:
                try:
                    self.seen[name][server.request("GET", "/healthz", timeout=5)[0]] += 1
                except OSError as error:
                    self.seen[name][type(error).__name__] += 1
            time.sleep(0.02)


def test_postgresql_restart_under_load_gives_coded_errors_then_full_service(restartable):
    """While PostgreSQL restarts (`pg_ctl restart -m fast`), then while it is stopped, the
    instances stay up, answer every request within 30 s with data or documented codes
    (UNAVAILABLE while the database is down), and /healthz says 503; once it is back,
    /healthz says 200, both instances claim again, and nothing acknowledged was lost."""
    cluster = restartable.cluster
    team = Team(restartable.url, 6)
    first = restartable.instance()
    second = restartable.instance()
    team.setup(first, 80)
    instances = [("first", first), ("second", second)]
    journal = Journal(team.pool_customers)
    stop = threading.Event()
    watch = HealthWatch(instances)
    watch.start()
    workers = run_workers(team, instances, journal, stop)
    try:
        time.sleep(1.0)
        restart_began = time.monotonic()
        cluster.restart()
        restarted = time.monotonic()
        for _, server in instances:
            wait_health(server, 200)
        time.sleep(1.0)

        # Stopped for long enough to observe: /healthz 503 and coded errors from each instance.
        cluster.stop_server()
        down_answers = {}
        for name, server in instances:
            wait_health(server, 503, timeout=10)
            for _ in range(3):
                ids = team.pool_customers[:1]
                down_answers.setdefault(name, []).append(server.graphql(CLAIM, {"ids": ids}, team.tokens[team.names[0]], timeout=35))
        time.sleep(1.0)
        cluster.start_server()
        for _, server in instances:
            wait_health(server, 200)
        assert first.alive() and second.alive(), "an instance died while PostgreSQL was down"

        # Full service: through each instance, a new pool customer is created and claimed
        # (retried while requests still fail: any pooled connection the restart broke fails
        # once), then every request succeeds.
        recovery = {}
        rep, rep_id = team.tokens[team.names[0]], team.ids[team.names[0]]
        for name, server in instances:
            deadline, failures, created = time.monotonic() + 30, 0, None
            while True:
                assert time.monotonic() < deadline, "no claim succeeded through %s within 30 s of PostgreSQL's return" % name
                if created is None:
                    title = "Recovery Co " + uuid.uuid4().hex
                    answer = journal.call(name, server, "mutation($n: String!, $p: ID!) { createCustomer(input: {name: $n, poolId: $p}) { id } }",
                                          {"n": title, "p": team.pool}, team.admin)
                    created = journal.acknowledge_create(answer and answer[1], title)
                    if created is None:
                        failures += 1
                        continue
                answer = journal.call(name, server, CLAIM, {"ids": [created]}, rep)
                if journal.acknowledge_claims(answer and answer[1], rep_id, name):
                    break
                failures += 1
            recovery[name] = failures
        time.sleep(1.0)
        settled = time.monotonic()
        time.sleep(1.0)
    finally:
        stop_workers(workers, stop)
        watch.stop.set()
        watch.join(timeout=30)
    assert first.alive() and second.alive(), "an instance died"

    print("restart took %.2fs; healthz seen: %s; recovery failures: %s; outcomes=%d acknowledged: claims=%d releases=%d created=%d" % (
        restarted - restart_began, {name: dict(seen) for name, seen in watch.seen.items()}, recovery, len(journal.outcomes),
        len(journal.claims), len(journal.releases), len(journal.created)))
    # Nothing hung, nothing went unanswered, every error was coded and documented.
    assert not [outcome for outcome in journal.outcomes if outcome.status is None], [o for o in journal.outcomes if o.status is None][:5]
    assert max(outcome.duration for outcome in journal.outcomes) < 30
    documented = error_codes()
    every = collections.Counter(code for outcome in journal.outcomes for code in outcome.codes + outcome.refusals)
    assert set(every) <= documented, every
    for name, _ in instances:
        assert watch.seen[name][503] > 0, "/healthz of %s never said 503 while PostgreSQL was down: %s" % (name, watch.seen[name])
    # After the restart has settled, every request succeeds.
    late = [outcome for outcome in journal.outcomes if outcome.started >= settled]
    assert late and all(outcome.status == 200 and not outcome.codes and set(outcome.refusals) <= {"ALREADY_OWNED"} for outcome in late), [
        outcome for outcome in late if outcome.status != 200 or outcome.codes or set(outcome.refusals) - {"ALREADY_OWNED"}][:5]
    check_history(first, journal)
    assert len(journal.claims) > 5 and len(journal.created) > 5, "too little traffic to prove anything"

    # While PostgreSQL was down, requests were refused as unavailable: a whole request with 503,
    # a field with its error. (Checked last: a binary without UNAVAILABLE answers INTERNAL.)
    for name, answers in down_answers.items():
        for status, body in answers:
            codes = set(error_codes_of(body) + refusals_of(body))
            assert codes and codes <= OUTAGE_CODES and status in (200, 503), (name, status, body)
    unexpected = collections.Counter(
        (outcome.status, outcome.codes, outcome.refusals) for outcome in journal.outcomes
        if outcome.status not in (200, 503) or not set(outcome.codes) <= OUTAGE_CODES
        or not set(outcome.refusals) <= OUTAGE_CODES | {"ALREADY_OWNED"})
    assert not unexpected, "answers other than data, ALREADY_OWNED and UNAVAILABLE: %s" % unexpected


def test_requests_succeed_as_soon_as_postgresql_is_back(restartable):
    """Once a restarted PostgreSQL accepts connections again, requests succeed: a pooled
    connection the restart ended is not handed to a request. (No /healthz poll in between: a
    failing health check also throws a dead connection away, and a load balancer polls every
    few seconds while requests keep coming.)"""
    cluster = restartable.cluster
    team = Team(restartable.url, 1)
    first = restartable.instance()
    second = restartable.instance()
    team.setup(first, 0)
    token = team.tokens[team.names[0]]
    # Many requests at once, so each instance keeps several connections in its pool.
    with concurrent.futures.ThreadPoolExecutor(16) as executor:
        for answer in executor.map(lambda index: (first, second)[index % 2].graphql(CREATE, {"n": "Warm Co %d" % index}, token), range(64)):
            ok(answer)
    cluster.restart()  # returns once PostgreSQL accepts connections
    failures = []
    for index in range(40):
        server = (first, second)[index % 2]
        status, body = server.graphql(CREATE, {"n": "After Co %d" % index}, token)
        if status != 200 or body.get("errors"):
            failures.append((index, status, error_codes_of(body)))
    assert not failures, "%d of 40 requests failed after PostgreSQL was back: %s" % (len(failures), failures[:8])


# d. Two schedulers at the sweep time.

def test_two_schedulers_at_the_sweep_time_record_one_run(deployment):
    """Two instances start together with the sweep time already passed today, so each
    scheduler's first tick wants today's run: exactly one run per day is recorded, completed,
    and each overdue customer is reclaimed once."""
    team = Team(deployment.url, 4)
    seeder = deployment.instance()
    team.setup(seeder, 0, reclaim_rules={"noFollowUpDays": 3})
    for name in team.names:
        fields = " ".join('c%d: createCustomer(input: {name: "%s Co %d"}) { id }' % (index, name, index) for index in range(50))
        ok(seeder.graphql("mutation { %s }" % fields, {}, team.tokens[name]))
    # Nobody has followed these up for ten days.
    ten_days_ago = int((time.time() - 10 * 86400) * 1000)
    seeder.sql("UPDATE customers SET created_at = %d, owner_since = %d, last_follow_up_at = %d, last_progress_at = %d, updated_at = %d"
               % ((ten_days_ago,) * 5))
    assert seeder.terminate() == 0
    owned = seeder.sql("SELECT count(*) FROM customers WHERE owner_id IS NOT NULL")[0][0]
    assert owned == 200

    schedulers = [deployment.instance(extra=["--sweep-at", "00:00"], sweep=True, start=False) for _ in range(2)]
    for server in schedulers:
        server.launch()
    for server in schedulers:
        server.ready()
    deadline = time.monotonic() + 60
    while not seeder.sql("SELECT id FROM sweep_runs WHERE status = 'completed'"):
        assert time.monotonic() < deadline, "no sweep completed within 60 s"
        time.sleep(0.2)
    time.sleep(3.0)
    assert all(server.alive() for server in schedulers)

    runs = seeder.sql("SELECT as_of, count(*), min(status), max(status), sum(reclaimed) FROM sweep_runs GROUP BY as_of")
    print("runs by day: %s" % runs)
    assert len(runs) == 1, runs
    as_of, count, low, high, reclaimed = runs[0]
    assert count == 1, "%d runs recorded for %s" % (count, as_of)
    assert low == high == "completed", runs
    assert as_of == time.strftime("%Y-%m-%d")
    assert reclaimed == 200, "the run reclaimed %d of 200 overdue customers" % reclaimed
    reclaims = seeder.sql("SELECT customer_id, count(*) FROM ownership_events WHERE kind = 'reclaim' GROUP BY customer_id HAVING count(*) > 1")
    assert reclaims == [], "customers reclaimed twice: %s" % reclaims[:5]
    assert seeder.sql("SELECT count(*) FROM customers WHERE owner_id IS NOT NULL") == [(0,)]
    logs = "".join(server.log_text() for server in schedulers)
    assert "sweep failed" not in logs, logs[-2000:]


def test_a_change_through_one_instance_reaches_subscribers_of_the_other(deployment):
    """Live updates across instances: a rep watching the pool through instance A sees a claim
    made through instance B, and their own stream through B sees it too, within a second."""
    first, second = deployment.instance(), deployment.instance()
    team = Team(deployment.url, reps=2)
    team.setup(first, customers=3)

    def subscribe(server, query, variables):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("POST", "/graphql", body=json.dumps({"query": query, "variables": variables}), headers={
            "Content-Type": "application/json", "Accept": "text/event-stream", "Authorization": "Bearer " + team.tokens["rep00"]})
        response = connection.getresponse()
        assert response.status == 200, response.read()
        return connection, response

    def next_event(response):
        """The next `event:`/`data:` block, comments skipped (http.client undoes the chunking)."""
        name, data = None, None
        while True:
            line = response.fp.readline().decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
            elif line == "" and name:
                return name, json.loads(data) if data else None

    pool_stream = subscribe(first, "subscription($p: ID!) { poolChanged(poolId: $p) { kind customer { id } event { toOwner { name } } } }",
                            {"p": team.pool})
    mine_stream = subscribe(second, "subscription { myCustomersChanged { kind customer { id } } }", {})
    customer = team.pool_customers[0]
    started = time.monotonic()
    ok(second.graphql("mutation($c: [ID!]!) { claimCustomers(ids: $c) { succeeded } }", {"c": [customer]}, team.tokens["rep00"]))
    name, body = next_event(pool_stream[1])
    assert name == "next" and body["data"]["poolChanged"]["kind"] == "LEFT"
    assert body["data"]["poolChanged"]["customer"]["id"] == customer, "rep00 owns it now and sees it"
    assert body["data"]["poolChanged"]["event"]["toOwner"]["name"] == "rep00"
    name, body = next_event(mine_stream[1])
    assert body["data"]["myCustomersChanged"] == {"kind": "CLAIMED", "customer": {"id": customer}}
    assert time.monotonic() - started < 2
    for connection, _ in (pool_stream, mine_stream):
        connection.close()
