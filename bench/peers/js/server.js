'use strict';
// A peer of gonghai for bench/: graphql-js (Debian's node-graphql) on node's http module over the
// same SQLite file, answering the read workloads of bench/workloads.json with the same JSON bytes
// as gonghai. One node process, one read-only SQLite connection (Debian's node-sqlite3, unpacked
// under bench/.cache by bench/peers/install.sh).
//
// Same schema subset, SQL and batching as the graphql-go peer (bench/peers/go/main.go), which
// mirror gonghai: one statement per level (the page; its owners with one `WHERE id IN (...)`;
// the pools once per request; a batch's follow-ups and events with one statement each and their
// users with one more). Each request is parsed, validated and executed by graphql-js as a plain
// graphql-js server does (no document cache). Only administrators are served, as in the Go peer.
//
//   bench/peers/js/run.sh --db FILE --port PORT

const crypto = require('crypto');
const http = require('http');
const { buildSchema, parse, validate, execute, GraphQLError } = require('graphql');
const sqlite3 = require('sqlite3');
const { leanSchema, leanRoot } = require('./lean');

const schemaText = `
schema {
  query: Query
}

scalar DateTime

enum CustomerStatus { LEAD CONTACTED NEGOTIATING WON LOST INVALID }
enum FollowUpKind { CALL VISIT MESSAGE NOTE }
enum OwnershipEventKind { CREATE CLAIM RELEASE ASSIGN TRANSFER RECLAIM }
enum CustomerOrderField { CREATED_AT UPDATED_AT NAME LAST_FOLLOW_UP_AT }
enum OrderDirection { ASC DESC }

type Query {
  customer(id: ID!): Customer
  customers(filter: CustomerFilter, orderBy: CustomerOrder, first: Int = 20, after: String): CustomerConnection!
}

type User {
  id: ID!
  name: String!
}

type Pool {
  id: ID!
  name: String!
}

type Customer {
  id: ID!
  name: String!
  industry: String
  region: String
  level: String
  status: CustomerStatus!
  owner: User
  pool: Pool
  createdAt: DateTime!
  lastFollowUpAt: DateTime
  updatedAt: DateTime!
  followUps(first: Int = 20): [FollowUp!]!
  ownershipHistory: [OwnershipEvent!]!
}

type FollowUp {
  id: ID!
  kind: FollowUpKind!
  text: String!
  at: DateTime!
  by: User
}

type OwnershipEvent {
  id: ID!
  kind: OwnershipEventKind!
  fromOwner: User
  toOwner: User
  reason: String
  at: DateTime!
}

type CustomerConnection {
  nodes: [Customer!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

input CustomerFilter {
  poolId: ID
  ownerId: ID
  mine: Boolean
  inPool: Boolean
  industry: String
  region: String
  status: [CustomerStatus!]
  followUpBefore: DateTime
  followUpAfter: DateTime
}

input CustomerOrder {
  field: CustomerOrderField!
  direction: OrderDirection
}
`;

const MAX_PAGE_SIZE = 100;

// MARK: - DateTime: ISO-8601 in UTC with milliseconds, as gonghai writes it

function formatDate(ms) {
  return new Date(ms).toISOString();
}

function parseDate(text) {
  if (typeof text !== 'string' || text.length > 40 ||
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new TypeError('not an ISO-8601 date-time');
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new TypeError('not an ISO-8601 date-time');
  return ms;
}

const schema = buildSchema(schemaText);
const dateTime = schema.getType('DateTime');
dateTime.serialize = (value) => (typeof value === 'number' ? formatDate(value) : value);
dateTime.parseValue = parseDate;
dateTime.parseLiteral = (ast) => parseDate(ast.value);

// MARK: - Store

class Store {
  constructor(path) {
    this.db = new sqlite3.Database(path, sqlite3.OPEN_READONLY);
    this.db.configure('busyTimeout', 5000);
    this.statements = new Map();
  }

  // Each distinct SQL text is prepared once and reused.
  all(sql, params) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return new Promise((resolve, reject) => {
      statement.all(params, (error, rows) => (error ? reject(error) : resolve(rows)));
    });
  }
}

function jsonIDs(ids) {
  return '[' + ids.join(',') + ']';
}

const USER_COLUMNS = 'users.id, users.name, users.role, users.department_id';

// The same columns as gonghai's RowDecoding.customerColumns.
const CUSTOMER_COLUMNS = `id, name, phone, email, industry, region, level, source, status, deal_amount_cents,
        owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,
        last_follow_up_at, last_progress_at, updated_at, entered_pool_at`;

async function authenticate(store, token) {
  if (!token.startsWith('gh_') || token.length >= 200) return null;
  const digest = crypto.createHash('sha256').update(token, 'utf8').digest();
  const rows = await store.all(`SELECT ${USER_COLUMNS} FROM api_tokens JOIN users ON users.id = api_tokens.user_id
WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL
  AND users.active = 1`, [digest]);
  return rows[0] || null;
}

// MARK: - Errors

function apiError(code, message, extensions = {}) {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

function decodeID(text, prefix, kind, field) {
  const p = prefix + '_';
  if (text.startsWith(p) && text.length <= 24 && /^[0-9]+$/.test(text.slice(p.length))) {
    const value = Number(text.slice(p.length));
    if (value > 0 && Number.isSafeInteger(value)) return value;
  }
  throw apiError('INVALID_ID', `${field}: ${JSON.stringify([...text].slice(0, 40).join(''))} is not a ${kind} id (like ${p}42).`, { field });
}

function checkPageSize(first) {
  if (first < 0) throw apiError('BAD_USER_INPUT', 'first must not be negative.', { field: 'first' });
  if (first > MAX_PAGE_SIZE) {
    throw apiError('PAGE_SIZE_EXCEEDED', `first is ${first}; at most ${MAX_PAGE_SIZE} per page.`, { limit: MAX_PAGE_SIZE });
  }
  return first;
}

// MARK: - Per-request context: the caller and caches shared by all resolvers

class RequestContext {
  constructor(store, user) {
    this.store = store;
    this.actor = user;
    this.users = new Map([[user.id, user]]);
    this.pending = new Map(); // user id -> promise of its load
    this.poolsPromise = null;
  }

  // Loads whichever of ids are neither cached nor on their way, in one query.
  preloadUsers(ids) {
    const missing = [];
    for (const id of new Set(ids)) {
      if (!this.users.has(id) && !this.pending.has(id)) missing.push(id);
    }
    if (missing.length > 0) {
      const load = this.store.all(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))`, [jsonIDs(missing)])
        .then((rows) => {
          for (const row of rows) this.users.set(row.id, row);
        });
      for (const id of missing) this.pending.set(id, load);
    }
    return Promise.all(ids.map((id) => this.pending.get(id)).filter(Boolean));
  }

  user(id) {
    if (id === null || id === undefined) return null;
    const cached = this.users.get(id);
    if (cached) return new UserNode(cached);
    return this.preloadUsers([id]).then(() => {
      const user = this.users.get(id);
      return user ? new UserNode(user) : null;
    });
  }

  // All pools, loaded once per request, as gonghai's RequestContext does.
  pool(id) {
    if (id === null || id === undefined) return null;
    if (!this.poolsPromise) {
      this.poolsPromise = this.store.all(`SELECT pools.id, pools.name, pools.industries, pools.regions, pools.priority, pools.is_default,
  v.version AS rule_version, v.rules AS rules_json
FROM pools LEFT JOIN pool_rule_versions v ON v.id = pools.rule_version_id
ORDER BY pools.priority DESC, pools.id`, []).then((rows) => new Map(rows.map((row) => [row.id, row])));
    }
    return this.poolsPromise.then((pools) => {
      const pool = pools.get(id);
      return pool ? new PoolNode(pool) : null;
    });
  }
}

// MARK: - Batches: a page's customers load each relation together

class Batch {
  constructor(context, rows) {
    this.context = context;
    this.rows = rows;
    this.ownersPromise = null;
    this.followUps = new Map(); // limit -> promise of Map(customer id -> [FollowUpNode])
    this.events = null;
  }

  nodes() {
    return this.rows.map((row) => new CustomerNode(row, this));
  }

  ids() {
    return this.rows.map((row) => row.id);
  }

  owner(id) {
    if (id === null || id === undefined) return null;
    if (!this.ownersPromise) {
      this.ownersPromise = this.context.preloadUsers(this.rows.filter((r) => r.owner_id !== null).map((r) => r.owner_id));
    }
    return this.ownersPromise.then(() => this.context.user(id));
  }

  // The newest `limit` follow-ups of every customer of the batch in one windowed query, then
  // their authors in one more (gonghai's followUps(of:limitEach:)).
  followUpsOf(id, limit) {
    let loaded = this.followUps.get(limit);
    if (!loaded) {
      loaded = limit <= 0 || this.rows.length === 0 ? Promise.resolve(new Map()) : this.context.store.all(`SELECT * FROM (
  SELECT follow_ups.*, row_number() OVER (
    PARTITION BY customer_id ORDER BY at DESC, id DESC) AS rank
  FROM follow_ups WHERE customer_id IN (SELECT value FROM json_each(?))
) WHERE rank <= ? ORDER BY customer_id, at DESC, id DESC`, [jsonIDs(this.ids()), limit]).then(async (rows) => {
        await this.context.preloadUsers(rows.filter((r) => r.by_user_id !== null).map((r) => r.by_user_id));
        const byCustomer = new Map();
        for (const row of rows) {
          let list = byCustomer.get(row.customer_id);
          if (!list) byCustomer.set(row.customer_id, (list = []));
          list.push(new FollowUpNode(row, this.context));
        }
        return byCustomer;
      });
      this.followUps.set(limit, loaded);
    }
    return loaded.then((byCustomer) => byCustomer.get(id) || []);
  }

  // Every event of the batch's customers, oldest first, in one query, then the owners they name.
  eventsOf(id) {
    if (!this.events) {
      this.events = this.context.store.all(`SELECT id, customer_id, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id,
  actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id
FROM ownership_events WHERE customer_id IN (SELECT value FROM json_each(?)) ORDER BY customer_id, id`, [jsonIDs(this.ids())]).then(async (rows) => {
        const users = [];
        for (const r of rows) {
          for (const u of [r.from_owner_id, r.to_owner_id, r.actor_id]) if (u !== null) users.push(u);
        }
        await this.context.preloadUsers(users);
        const byCustomer = new Map();
        for (const row of rows) {
          let list = byCustomer.get(row.customer_id);
          if (!list) byCustomer.set(row.customer_id, (list = []));
          list.push(new EventNode(row, this.context));
        }
        return byCustomer;
      });
    }
    return this.events.then((byCustomer) => byCustomer.get(id) || []);
  }
}

// MARK: - Resolvers (graphql-js's default resolver calls these methods)

class UserNode {
  constructor(row) { this.row = row; }
  id() { return 'usr_' + this.row.id; }
  name() { return this.row.name; }
}

class PoolNode {
  constructor(row) { this.row = row; }
  id() { return 'pool_' + this.row.id; }
  name() { return this.row.name; }
}

class CustomerNode {
  constructor(row, batch) { this.row = row; this.batch = batch; }
  id() { return 'cus_' + this.row.id; }
  name() { return this.row.name; }
  industry() { return this.row.industry; }
  region() { return this.row.region; }
  level() { return this.row.level; }
  status() { return this.row.status.toUpperCase(); }
  owner() { return this.batch.owner(this.row.owner_id); }
  pool() { return this.batch.context.pool(this.row.pool_id); }
  createdAt() { return this.row.created_at; }
  lastFollowUpAt() { return this.row.last_follow_up_at; }
  updatedAt() { return this.row.updated_at; }
  followUps(args) { return this.batch.followUpsOf(this.row.id, checkPageSize(args.first ?? 20)); }
  ownershipHistory() { return this.batch.eventsOf(this.row.id); }
}

class FollowUpNode {
  constructor(row, context) { this.row = row; this.context = context; }
  id() { return 'fu_' + this.row.id; }
  kind() { return this.row.kind.toUpperCase(); }
  text() { return this.row.text; }
  at() { return this.row.at; }
  by() { return this.context.user(this.row.by_user_id); }
}

class EventNode {
  constructor(row, context) { this.row = row; this.context = context; }
  id() { return 'evt_' + this.row.id; }
  kind() { return this.row.kind.toUpperCase(); }
  fromOwner() { return this.context.user(this.row.from_owner_id); }
  toOwner() { return this.context.user(this.row.to_owner_id); }
  reason() { return this.row.reason; }
  at() { return this.row.at; }
}

const ORDERS = {
  CREATED_AT: ['createdAt', 'created_at'],
  UPDATED_AT: ['updatedAt', 'updated_at'],
  NAME: ['name', 'name'],
  LAST_FOLLOW_UP_AT: ['lastFollowUpAt', 'coalesce(last_follow_up_at, -1)'],
};

function orderOf(input) {
  const [field, key] = ORDERS[(input && input.field) || 'CREATED_AT'];
  const descending = !input || (input.direction ?? 'DESC') === 'DESC';
  return { field, key, descending };
}

function encodeCursor(order, key, id) {
  const tagged = order.field === 'name' ? 't' + key : 'i' + key;
  return Buffer.from(`${order.field}|${order.descending ? 'd' : 'a'}|${id}|${tagged}`, 'utf8').toString('base64');
}

function decodeCursor(text, order) {
  const invalid = apiError('BAD_USER_INPUT', 'after: not a cursor of this list and order.', { field: 'after' });
  if (text.length > 1000 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw invalid;
  const parts = Buffer.from(text, 'base64').toString('utf8').split('|');
  if (parts.length < 4) throw invalid;
  const rest = parts.slice(3).join('|');
  if (parts[0] !== order.field || parts[1] !== (order.descending ? 'd' : 'a') || !/^-?[0-9]+$/.test(parts[2]) || rest === '') throw invalid;
  const id = Number(parts[2]);
  if (rest[0] === 'i' && /^-?[0-9]+$/.test(rest.slice(1))) return { key: Number(rest.slice(1)), id };
  if (rest[0] === 't') return { key: rest.slice(1), id };
  throw invalid;
}

// Mirrors CustomerSQL.conditions: the same clauses in the same order, values bound.
function conditions(filter, user) {
  const parts = [];
  const params = [];
  if (!filter) return { parts, params };
  let poolID = filter.poolId != null ? decodeID(filter.poolId, 'pool', 'pool', 'poolId') : null;
  let ownerID = filter.ownerId != null ? decodeID(filter.ownerId, 'usr', 'user', 'ownerId') : null;
  if (filter.mine === true) ownerID = ownerID !== null && ownerID !== user.id ? -1 : user.id;
  if (poolID !== null) { parts.push('pool_id = ?'); params.push(poolID); }
  if (ownerID !== null) { parts.push('owner_id = ?'); params.push(ownerID); }
  if (filter.inPool != null) parts.push(filter.inPool ? 'owner_id IS NULL' : 'owner_id IS NOT NULL');
  if (filter.industry != null) { parts.push('industry = ?'); params.push(filter.industry); }
  if (filter.region != null) { parts.push('region = ?'); params.push(filter.region); }
  if (filter.status != null) {
    parts.push('status IN (SELECT value FROM json_each(?))');
    params.push('[' + filter.status.map((s) => `"${s.toLowerCase()}"`).join(',') + ']');
  }
  if (filter.followUpBefore != null) { parts.push('last_follow_up_at < ?'); params.push(filter.followUpBefore); }
  if (filter.followUpAfter != null) { parts.push('last_follow_up_at >= ?'); params.push(filter.followUpAfter); }
  return { parts, params };
}

function joined(parts) {
  return parts.length === 0 ? '1' : parts.join(' AND ');
}

class Connection {
  constructor(context, order, rows, hasNext, countSQL, countParams) {
    this.context = context;
    this.order = order;
    this.rows = rows;
    this.hasNext = hasNext;
    this.countSQL = countSQL;
    this.countParams = countParams;
    this.nodeList = new Batch(context, rows).nodes();
  }

  nodes() { return this.nodeList; }

  // totalCount costs a COUNT query, so it runs only when asked for.
  totalCount() {
    return this.context.store.all(this.countSQL, this.countParams).then((rows) => rows[0]['COUNT(*)']);
  }

  pageInfo() {
    const last = this.rows[this.rows.length - 1];
    return {
      hasNextPage: this.hasNext,
      endCursor: last ? encodeCursor(this.order, last.sort_key ?? 0, last.id) : null,
    };
  }
}

const root = {
  async customer(args, context) {
    const id = decodeID(args.id, 'cus', 'customer', 'id');
    const rows = await context.store.all(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id IN (SELECT value FROM json_each(?))`, [jsonIDs([id])]);
    if (rows.length === 0) throw apiError('NOT_FOUND', 'Customer not found.');
    return new Batch(context, rows).nodes()[0];
  },

  // Mirrors CustomerConnection.load and customerPage: one keyset query for the page (first + 1
  // rows tell hasNextPage).
  async customers(args, context) {
    const first = checkPageSize(args.first ?? 20);
    const order = orderOf(args.orderBy);
    const { parts, params } = conditions(args.filter, context.actor);
    const pageParts = parts.slice();
    const pageParams = params.slice();
    if (args.after != null) {
      const cursor = decodeCursor(args.after, order);
      const op = order.descending ? '<' : '>';
      pageParts.push(`(${order.key} ${op} ? OR (${order.key} = ? AND id ${op} ?))`);
      pageParams.push(cursor.key, cursor.key, cursor.id);
    }
    const direction = order.descending ? 'DESC' : 'ASC';
    const sql = `SELECT ${CUSTOMER_COLUMNS}, ${order.key} AS sort_key FROM customers\nWHERE ${joined(pageParts)}\nORDER BY sort_key ${direction}, id ${direction}\nLIMIT ?`;
    pageParams.push(first + 1);
    let rows = await context.store.all(sql, pageParams);
    const hasNext = rows.length > first;
    if (hasNext) rows = rows.slice(0, first);
    return new Connection(context, order, rows, hasNext, `SELECT COUNT(*) FROM customers WHERE ${joined(parts)}`, params);
  },
};

// MARK: - HTTP

// JSON.stringify writes strings as gonghai does (raw UTF-8, \b \f \n \r \t, other controls as
// lower-case \u00xx) except that gonghai also escapes "/" as "\/"; "/" only occurs inside strings.
function gonghaiJSON(value) {
  const text = JSON.stringify(value);
  return text.includes('/') ? text.replace(/\//g, '\\/') : text;
}

function send(response, status, text, headers = {}) {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, ...headers });
  response.end(body);
}

function requestError(response, status, code, message, headers) {
  send(response, status, gonghaiJSON({ errors: [{ message, path: [], extensions: { code } }] }), headers);
}

async function handle(store, request, response, raw, lean) {
  if (lean) return run(response, raw, leanSchema, lean, { store });
  const header = request.headers.authorization || '';
  const space = header.indexOf(' ');
  let user = null;
  if (space > 0 && header.slice(0, space).toLowerCase() === 'bearer') {
    user = await authenticate(store, header.slice(space + 1).trim());
  }
  if (!user) {
    return requestError(response, 401, 'UNAUTHENTICATED', 'A valid bearer token is required (Authorization: Bearer <token>).', { 'WWW-Authenticate': 'Bearer' });
  }
  if (user.role !== 'admin') {
    return requestError(response, 403, 'FORBIDDEN', 'This benchmark peer serves administrators only.');
  }
  return run(response, raw, schema, root, new RequestContext(store, user));
}

// Parses, validates and executes the request's operation and writes gonghai's bytes.
async function run(response, raw, schema, root, contextValue) {
  let body;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    body = null;
  }
  if (!body || typeof body.query !== 'string' || body.query === '') {
    return requestError(response, 400, 'BAD_REQUEST', 'The body must be a JSON object with a query.');
  }
  let document;
  try {
    document = parse(body.query);
  } catch (error) {
    return send(response, 200, gonghaiJSON({ errors: [{ message: error.message, locations: error.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] }));
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    return send(response, 200, gonghaiJSON({ errors: invalid.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) }));
  }
  const result = await execute({
    schema, document, rootValue: root, contextValue,
    variableValues: body.variables || undefined, operationName: body.operationName || undefined,
  });
  const output = result.errors ? { data: result.data, errors: result.errors } : { data: result.data };
  send(response, 200, gonghaiJSON(output));
}

function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  const dbPath = option('--db', option('-db', null));
  const lean = args.includes('--lean') ? leanRoot(checkPageSize) : null;
  const port = Number(option('--port', option('-port', '18092')));
  if (!dbPath) {
    console.error('usage: server.js --db FILE [--port PORT] [--lean]');
    process.exit(2);
  }
  const store = new Store(dbPath);
  const server = http.createServer((request, response) => {
    if (request.url === '/healthz') return send(response, 200, '{"status":"ok"}');
    if (request.url !== '/graphql') return send(response, 404, '{"errors":[{"message":"Not found."}]}');
    if (request.method !== 'POST') return requestError(response, 405, 'METHOD_NOT_ALLOWED', 'Use POST.', { Allow: 'POST' });
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= 1 << 20) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > 1 << 20) return requestError(response, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts.');
      handle(store, request, response, Buffer.concat(chunks), lean).catch((error) => {
        console.error(error);
        if (!response.headersSent) requestError(response, 500, 'INTERNAL', 'Internal server error.');
      });
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(port, '127.0.0.1', () => {
    console.log(`graphql-js peer listening on http://127.0.0.1:${port}/graphql (database ${dbPath}${lean ? ', lean' : ''})`);
  });
}

main();
