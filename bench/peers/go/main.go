// A peer of gonghai for bench/: graph-gophers/graphql-go over the same SQLite file, answering the
// read workloads of bench/workloads.json with the same JSON bytes as gonghai.
//
// It serves a subset of schema.graphql (the types and fields the workloads read, same names and
// types), authenticates bearer tokens like gonghai (sha256 of the token in api_tokens), and
// loads each level of a query with one SQL statement, as gonghai does: the customer page is one
// query, the page's owners one `WHERE id IN (...)`, the pools one query, a batch's follow-ups and
// ownership events one query each, their users one more. graphql-go has no batching of its own,
// so the page's customers share a batch object that loads a relation for all of them the first
// time any of them asks (the same design as gonghai's CustomerBatch).
//
// Only administrators are served (the benchmark reads as its admin, who sees every customer);
// other users get FORBIDDEN rather than a wrongly scoped answer.
//
// Build (Debian packages only, no modules):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -tags libsqlite3 -o bench/peers/go/graphql-go-peer ./bench/peers/go
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
	_ "github.com/mattn/go-sqlite3"
)

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
`

const maxPageSize = 100

// MARK: - Store

type store struct {
	db    *sql.DB
	stmts sync.Map // SQL text -> *sql.Stmt
}

func openStore(path string) (*store, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	db.SetMaxIdleConns(64)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		return nil, err
	}
	return &store{db: db}, nil
}

// stmt prepares each distinct SQL text once (database/sql then prepares it per connection).
func (s *store) stmt(ctx context.Context, text string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(text); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(text, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// query runs a cached statement. It deliberately ignores the request's context: with a
// cancellable context, database/sql watches it from a goroutine per query and this go-sqlite3
// (1.14.16) steps every row on a goroutine of its own, which more than doubled the peer's CPU
// per request. The statements are short reads; nothing needs cancelling.
func (s *store) query(_ context.Context, text string, args ...interface{}) (*sql.Rows, error) {
	st, err := s.stmt(context.Background(), text)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

func jsonIDs(ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

type userRow struct {
	id    int64
	name  string
	role  string
	dept  sql.NullInt64
	admin bool
}

const userColumns = "users.id, users.name, users.role, users.department_id"

func scanUser(rows *sql.Rows) (*userRow, error) {
	u := &userRow{}
	if err := rows.Scan(&u.id, &u.name, &u.role, &u.dept); err != nil {
		return nil, err
	}
	u.admin = u.role == "admin"
	return u, nil
}

// authenticate mirrors SQLitePoolDatabase.authenticate: one indexed probe by sha256(token).
func (s *store) authenticate(ctx context.Context, token string) (*userRow, error) {
	if !strings.HasPrefix(token, "gh_") || len(token) >= 200 {
		return nil, nil
	}
	digest := sha256.Sum256([]byte(token))
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM api_tokens JOIN users ON users.id = api_tokens.user_id
WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL
  AND users.active = 1`, digest[:])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	return scanUser(rows)
}

type customerRow struct {
	id                                                int64
	name                                              string
	phone, email, industry, region, level, source     sql.NullString
	status                                            string
	dealAmountCents, ownerID, poolID, previousOwnerID sql.NullInt64
	locked                                            bool
	createdBy                                         sql.NullInt64
	createdAt                                         int64
	ownerSince, lastFollowUpAt, lastProgressAt        sql.NullInt64
	updatedAt                                         int64
	enteredPoolAt                                     sql.NullInt64
	sortKey                                           interface{}
}

// The same columns as gonghai's RowDecoding.customerColumns.
const customerColumns = `id, name, phone, email, industry, region, level, source, status, deal_amount_cents,
        owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,
        last_follow_up_at, last_progress_at, updated_at, entered_pool_at`

func (c *customerRow) targets() []interface{} {
	return []interface{}{&c.id, &c.name, &c.phone, &c.email, &c.industry, &c.region, &c.level, &c.source,
		&c.status, &c.dealAmountCents, &c.ownerID, &c.poolID, &c.previousOwnerID, &c.locked, &c.createdBy,
		&c.createdAt, &c.ownerSince, &c.lastFollowUpAt, &c.lastProgressAt, &c.updatedAt, &c.enteredPoolAt}
}

type followUpRow struct {
	id, customerID int64
	kind, text     string
	at             int64
	byUserID       sql.NullInt64
}

type eventRow struct {
	id, customerID          int64
	kind                    string
	fromOwnerID, toOwnerID  sql.NullInt64
	fromPoolID, toPoolID    sql.NullInt64
	actorID                 sql.NullInt64
	reason, routedBy        sql.NullString
	at                      int64
	rule                    sql.NullString
	ruleVersion, sweepRunID sql.NullInt64
}

type poolRow struct {
	id                  int64
	name                string
	industries, regions string
	priority            int64
	isDefault           bool
	ruleVersion         sql.NullInt64
	rules               sql.NullString
}

// MARK: - Per-request context: the caller and caches shared by all resolvers

type request struct {
	st   *store
	ctx  context.Context
	user *userRow

	mu        sync.Mutex
	users     map[int64]*userRow
	poolsOnce sync.Once
	pools     map[int64]*poolRow
	poolsErr  error
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request { return ctx.Value(requestKey{}).(*request) }

// preloadUsers loads whichever of ids are not cached yet, in one query (RequestContext.preloadUsers).
func (r *request) preloadUsers(ids []int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var missing []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := r.users[id]; !ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return
	}
	rows, err := r.st.query(r.ctx, "SELECT "+userColumns+" FROM users WHERE id IN (SELECT value FROM json_each(?))", jsonIDs(missing))
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			panic(err)
		}
		r.users[u.id] = u
	}
	if err := rows.Err(); err != nil {
		panic(err)
	}
}

func (r *request) userByID(id sql.NullInt64) *userR {
	if !id.Valid {
		return nil
	}
	r.preloadUsers([]int64{id.Int64})
	r.mu.Lock()
	u := r.users[id.Int64]
	r.mu.Unlock()
	if u == nil {
		return nil
	}
	return &userR{u}
}

// pool loads all pools once per request (there are few), as gonghai's RequestContext does.
func (r *request) pool(id sql.NullInt64) *poolR {
	if !id.Valid {
		return nil
	}
	r.poolsOnce.Do(func() {
		rows, err := r.st.query(r.ctx, `SELECT pools.id, pools.name, pools.industries, pools.regions, pools.priority, pools.is_default,
  v.version AS rule_version, v.rules AS rules_json
FROM pools LEFT JOIN pool_rule_versions v ON v.id = pools.rule_version_id
ORDER BY pools.priority DESC, pools.id`)
		if err != nil {
			r.poolsErr = err
			return
		}
		defer rows.Close()
		r.pools = map[int64]*poolRow{}
		for rows.Next() {
			p := &poolRow{}
			if err := rows.Scan(&p.id, &p.name, &p.industries, &p.regions, &p.priority, &p.isDefault, &p.ruleVersion, &p.rules); err != nil {
				r.poolsErr = err
				return
			}
			r.pools[p.id] = p
		}
		r.poolsErr = rows.Err()
	})
	if r.poolsErr != nil {
		panic(r.poolsErr)
	}
	if p := r.pools[id.Int64]; p != nil {
		return &poolR{p}
	}
	return nil
}

// MARK: - Batches: a page's customers load each relation together

type batch struct {
	req       *request
	customers []*customerRow

	ownersOnce sync.Once
	mu         sync.Mutex
	followUps  map[int32]map[int64][]*followUpR
	events     map[int64][]*eventR
	eventsDone bool
}

func newBatch(req *request, customers []*customerRow) []*customerR {
	b := &batch{req: req, customers: customers, followUps: map[int32]map[int64][]*followUpR{}}
	out := make([]*customerR, len(customers))
	for i, c := range customers {
		out[i] = &customerR{c: c, b: b}
	}
	return out
}

func (b *batch) ids() []int64 {
	ids := make([]int64, len(b.customers))
	for i, c := range b.customers {
		ids[i] = c.id
	}
	return ids
}

func (b *batch) owner(id sql.NullInt64) *userR {
	if !id.Valid {
		return nil
	}
	b.ownersOnce.Do(func() {
		var ids []int64
		for _, c := range b.customers {
			if c.ownerID.Valid {
				ids = append(ids, c.ownerID.Int64)
			}
		}
		b.req.preloadUsers(ids)
	})
	return b.req.userByID(id)
}

// followUpsOf mirrors SQLitePoolDatabase.followUps(of:limitEach:): the newest `limit` follow-ups of
// every customer of the batch in one windowed query, then their authors in one more.
func (b *batch) followUpsOf(id int64, limit int32) []*followUpR {
	b.mu.Lock()
	defer b.mu.Unlock()
	loaded, ok := b.followUps[limit]
	if !ok {
		loaded = map[int64][]*followUpR{}
		if limit > 0 && len(b.customers) > 0 {
			rows, err := b.req.st.query(b.req.ctx, `SELECT * FROM (
  SELECT follow_ups.*, row_number() OVER (
    PARTITION BY customer_id ORDER BY at DESC, id DESC) AS rank
  FROM follow_ups WHERE customer_id IN (SELECT value FROM json_each(?))
) WHERE rank <= ? ORDER BY customer_id, at DESC, id DESC`, jsonIDs(b.ids()), limit)
			if err != nil {
				panic(err)
			}
			var authors []int64
			for rows.Next() {
				f := &followUpRow{}
				var rank int64
				if err := rows.Scan(&f.id, &f.customerID, &f.kind, &f.text, &f.at, &f.byUserID, &rank); err != nil {
					rows.Close()
					panic(err)
				}
				if f.byUserID.Valid {
					authors = append(authors, f.byUserID.Int64)
				}
				loaded[f.customerID] = append(loaded[f.customerID], &followUpR{f: f, req: b.req})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				panic(err)
			}
			b.req.preloadUsers(authors)
		}
		b.followUps[limit] = loaded
	}
	list := loaded[id]
	if list == nil {
		list = []*followUpR{}
	}
	return list
}

// eventsOf mirrors ownershipEvents(of:): every event of the batch's customers, oldest first, in one
// query, then the owners they name in one more.
func (b *batch) eventsOf(id int64) []*eventR {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.eventsDone {
		b.eventsDone = true
		b.events = map[int64][]*eventR{}
		rows, err := b.req.st.query(b.req.ctx, `SELECT id, customer_id, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id,
  actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id
FROM ownership_events WHERE customer_id IN (SELECT value FROM json_each(?)) ORDER BY customer_id, id`, jsonIDs(b.ids()))
		if err != nil {
			panic(err)
		}
		var users []int64
		for rows.Next() {
			e := &eventRow{}
			if err := rows.Scan(&e.id, &e.customerID, &e.kind, &e.fromOwnerID, &e.toOwnerID, &e.fromPoolID, &e.toPoolID,
				&e.actorID, &e.reason, &e.routedBy, &e.at, &e.rule, &e.ruleVersion, &e.sweepRunID); err != nil {
				rows.Close()
				panic(err)
			}
			for _, u := range []sql.NullInt64{e.fromOwnerID, e.toOwnerID, e.actorID} {
				if u.Valid {
					users = append(users, u.Int64)
				}
			}
			b.events[e.customerID] = append(b.events[e.customerID], &eventR{e: e, req: b.req})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			panic(err)
		}
		b.req.preloadUsers(users)
	}
	list := b.events[id]
	if list == nil {
		list = []*eventR{}
	}
	return list
}

// MARK: - Scalars

// DateTime is ISO-8601 in UTC with milliseconds, as gonghai writes it (2026-11-01T08:30:00.000Z).
type DateTime struct{ ms int64 }

func (DateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }

func (d *DateTime) UnmarshalGraphQL(input interface{}) error {
	text, ok := input.(string)
	if !ok || len(text) > 40 {
		return fmt.Errorf("not an ISO-8601 date-time")
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return fmt.Errorf("not an ISO-8601 date-time")
	}
	d.ms = t.UnixMilli()
	return nil
}

func (d DateTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 26)
	b = append(b, '"')
	b = time.UnixMilli(d.ms).UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	return append(b, '"'), nil
}

func optionalDate(v sql.NullInt64) *DateTime {
	if !v.Valid {
		return nil
	}
	return &DateTime{v.Int64}
}

func optionalString(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
}

// MARK: - Resolvers

type apiError struct {
	message    string
	extensions map[string]interface{}
}

func (e *apiError) Error() string                      { return e.message }
func (e *apiError) Extensions() map[string]interface{} { return e.extensions }
func newError(code, message string, ext ...string) *apiError {
	m := map[string]interface{}{}
	for i := 0; i+1 < len(ext); i += 2 {
		m[ext[i]] = ext[i+1]
	}
	m["code"] = code
	return &apiError{message: message, extensions: m}
}

func decodeID(text string, prefix, kind, field string) (int64, error) {
	p := prefix + "_"
	if strings.HasPrefix(text, p) && len(text) <= 24 {
		if v, err := strconv.ParseInt(text[len(p):], 10, 64); err == nil && v > 0 {
			return v, nil
		}
	}
	shown := text
	if len([]rune(shown)) > 40 {
		shown = string([]rune(shown)[:40])
	}
	return 0, newError("INVALID_ID", fmt.Sprintf("%s: %q is not a %s id (like %s42).", field, shown, kind, p), "field", field)
}

type queryR struct{ st *store }

func (q *queryR) Customer(ctx context.Context, args struct{ ID graphql.ID }) (*customerR, error) {
	req := requestFrom(ctx)
	id, err := decodeID(string(args.ID), "cus", "customer", "id")
	if err != nil {
		return nil, err
	}
	rows, err := req.st.query(ctx, "SELECT "+customerColumns+" FROM customers WHERE id IN (SELECT value FROM json_each(?))", jsonIDs([]int64{id}))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []*customerRow
	for rows.Next() {
		c := &customerRow{}
		if err := rows.Scan(c.targets()...); err != nil {
			return nil, err
		}
		found = append(found, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, newError("NOT_FOUND", "Customer not found.")
	}
	return newBatch(req, found)[0], nil
}

type customerFilterInput struct {
	PoolId         *graphql.ID
	OwnerId        *graphql.ID
	Mine           *bool
	InPool         *bool
	Industry       *string
	Region         *string
	Status         *[]string
	FollowUpBefore *DateTime
	FollowUpAfter  *DateTime
}

type customerOrderInput struct {
	Field     string
	Direction *string
}

type customersArgs struct {
	Filter  *customerFilterInput
	OrderBy *customerOrderInput
	First   int32
	After   *string
}

type order struct {
	field      string // gonghai's CustomerOrderField raw value
	key        string // the SQL sort expression
	descending bool
}

func orderOf(in *customerOrderInput) order {
	o := order{field: "createdAt", key: "created_at", descending: true}
	if in == nil {
		return o
	}
	switch in.Field {
	case "UPDATED_AT":
		o.field, o.key = "updatedAt", "updated_at"
	case "NAME":
		o.field, o.key = "name", "name"
	case "LAST_FOLLOW_UP_AT":
		o.field, o.key = "lastFollowUpAt", "coalesce(last_follow_up_at, -1)"
	}
	o.descending = in.Direction == nil || *in.Direction == "DESC"
	return o
}

type cursor struct {
	key interface{} // int64 or string
	id  int64
}

func encodeCursor(o order, c cursor) string {
	var key string
	switch k := c.key.(type) {
	case int64:
		key = "i" + strconv.FormatInt(k, 10)
	case string:
		key = "t" + k
	default:
		key = "i0"
	}
	dir := "a"
	if o.descending {
		dir = "d"
	}
	return base64.StdEncoding.EncodeToString([]byte(o.field + "|" + dir + "|" + strconv.FormatInt(c.id, 10) + "|" + key))
}

func decodeCursor(text string, o order) (cursor, error) {
	invalid := newError("BAD_USER_INPUT", "after: not a cursor of this list and order.", "field", "after")
	raw, err := base64.StdEncoding.DecodeString(text)
	if len(text) > 1000 || err != nil {
		return cursor{}, invalid
	}
	parts := strings.SplitN(string(raw), "|", 4)
	dir := "a"
	if o.descending {
		dir = "d"
	}
	if len(parts) != 4 || parts[0] != o.field || parts[1] != dir || len(parts[3]) == 0 {
		return cursor{}, invalid
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return cursor{}, invalid
	}
	switch parts[3][0] {
	case 'i':
		n, err := strconv.ParseInt(parts[3][1:], 10, 64)
		if err != nil {
			return cursor{}, invalid
		}
		return cursor{key: n, id: id}, nil
	case 't':
		return cursor{key: parts[3][1:], id: id}, nil
	}
	return cursor{}, invalid
}

// conditions mirrors CustomerSQL.conditions: the same clauses in the same order, values bound.
func conditions(f *customerFilterInput, user *userRow) ([]string, []interface{}, error) {
	var parts []string
	var args []interface{}
	if f == nil {
		return parts, args, nil
	}
	var poolID, ownerID *int64
	if f.PoolId != nil {
		v, err := decodeID(string(*f.PoolId), "pool", "pool", "poolId")
		if err != nil {
			return nil, nil, err
		}
		poolID = &v
	}
	if f.OwnerId != nil {
		v, err := decodeID(string(*f.OwnerId), "usr", "user", "ownerId")
		if err != nil {
			return nil, nil, err
		}
		ownerID = &v
	}
	if f.Mine != nil && *f.Mine {
		me := user.id
		if ownerID != nil && *ownerID != me {
			me = -1
		}
		ownerID = &me
	}
	if poolID != nil {
		parts, args = append(parts, "pool_id = ?"), append(args, *poolID)
	}
	if ownerID != nil {
		parts, args = append(parts, "owner_id = ?"), append(args, *ownerID)
	}
	if f.InPool != nil {
		if *f.InPool {
			parts = append(parts, "owner_id IS NULL")
		} else {
			parts = append(parts, "owner_id IS NOT NULL")
		}
	}
	if f.Industry != nil {
		parts, args = append(parts, "industry = ?"), append(args, *f.Industry)
	}
	if f.Region != nil {
		parts, args = append(parts, "region = ?"), append(args, *f.Region)
	}
	if f.Status != nil {
		list := make([]string, len(*f.Status))
		for i, s := range *f.Status {
			list[i] = `"` + strings.ToLower(s) + `"`
		}
		parts, args = append(parts, "status IN (SELECT value FROM json_each(?))"), append(args, "["+strings.Join(list, ",")+"]")
	}
	if f.FollowUpBefore != nil {
		parts, args = append(parts, "last_follow_up_at < ?"), append(args, f.FollowUpBefore.ms)
	}
	if f.FollowUpAfter != nil {
		parts, args = append(parts, "last_follow_up_at >= ?"), append(args, f.FollowUpAfter.ms)
	}
	return parts, args, nil
}

func joined(parts []string) string {
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, " AND ")
}

// Customers mirrors CustomerConnection.load and SQLitePoolDatabase.customerPage: one keyset query
// for the page (first + 1 rows tell hasNextPage); totalCount runs its COUNT only when asked.
func (q *queryR) Customers(ctx context.Context, args customersArgs) (*connectionR, error) {
	req := requestFrom(ctx)
	first := args.First
	if err := checkPageSize(first); err != nil {
		return nil, err
	}
	o := orderOf(args.OrderBy)
	conds, condArgs, err := conditions(args.Filter, req.user)
	if err != nil {
		return nil, err
	}
	pageConds := append([]string(nil), conds...)
	pageArgs := append([]interface{}(nil), condArgs...)
	if args.After != nil {
		c, err := decodeCursor(*args.After, o)
		if err != nil {
			return nil, err
		}
		op := ">"
		if o.descending {
			op = "<"
		}
		pageConds = append(pageConds, "("+o.key+" "+op+" ? OR ("+o.key+" = ? AND id "+op+" ?))")
		pageArgs = append(pageArgs, c.key, c.key, c.id)
	}
	dir := "ASC"
	if o.descending {
		dir = "DESC"
	}
	text := "SELECT " + customerColumns + ", " + o.key + " AS sort_key FROM customers\nWHERE " + joined(pageConds) +
		"\nORDER BY sort_key " + dir + ", id " + dir + "\nLIMIT ?"
	rows, err := req.st.query(ctx, text, append(pageArgs, int64(first)+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*customerRow
	for rows.Next() {
		c := &customerRow{}
		if err := rows.Scan(append(c.targets(), &c.sortKey)...); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	conn := &connectionR{req: req, order: o, countSQL: "SELECT COUNT(*) FROM customers WHERE " + joined(conds), countArgs: condArgs}
	if len(list) > int(first) {
		conn.hasNext = true
		list = list[:first]
	}
	conn.rows = list
	conn.nodes = newBatch(req, list)
	return conn, nil
}

type connectionR struct {
	req       *request
	order     order
	rows      []*customerRow
	nodes     []*customerR
	hasNext   bool
	countSQL  string
	countArgs []interface{}
}

func (c *connectionR) Nodes() []*customerR { return c.nodes }

func (c *connectionR) TotalCount(ctx context.Context) (int32, error) {
	rows, err := c.req.st.query(ctx, c.countSQL, c.countArgs...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return int32(n), rows.Err()
}

func (c *connectionR) PageInfo() *pageInfoR { return &pageInfoR{c} }

type pageInfoR struct{ c *connectionR }

func (p *pageInfoR) HasNextPage() bool { return p.c.hasNext }

func (p *pageInfoR) EndCursor() *string {
	if len(p.c.rows) == 0 {
		return nil
	}
	last := p.c.rows[len(p.c.rows)-1]
	key := last.sortKey
	if p.c.order.field == "name" {
		s, _ := key.(string)
		if b, ok := key.([]byte); ok {
			s = string(b)
		}
		key = s
	} else if n, ok := key.(int64); ok {
		key = n
	} else {
		key = int64(0)
	}
	s := encodeCursor(p.c.order, cursor{key: key, id: last.id})
	return &s
}

type customerR struct {
	c *customerRow
	b *batch
}

func (r *customerR) ID() graphql.ID              { return graphql.ID("cus_" + strconv.FormatInt(r.c.id, 10)) }
func (r *customerR) Name() string                { return r.c.name }
func (r *customerR) Industry() *string           { return optionalString(r.c.industry) }
func (r *customerR) Region() *string             { return optionalString(r.c.region) }
func (r *customerR) Level() *string              { return optionalString(r.c.level) }
func (r *customerR) Status() string              { return strings.ToUpper(r.c.status) }
func (r *customerR) Owner() *userR               { return r.b.owner(r.c.ownerID) }
func (r *customerR) Pool() *poolR                { return r.b.req.pool(r.c.poolID) }
func (r *customerR) CreatedAt() DateTime         { return DateTime{r.c.createdAt} }
func (r *customerR) LastFollowUpAt() *DateTime   { return optionalDate(r.c.lastFollowUpAt) }
func (r *customerR) UpdatedAt() DateTime         { return DateTime{r.c.updatedAt} }
func (r *customerR) OwnershipHistory() []*eventR { return r.b.eventsOf(r.c.id) }

func (r *customerR) FollowUps(args struct{ First int32 }) ([]*followUpR, error) {
	if err := checkPageSize(args.First); err != nil {
		return nil, err
	}
	return r.b.followUpsOf(r.c.id, args.First), nil
}

// checkPageSize mirrors gonghai's PageSize.check (an explicit null counts as the default, 20).
func checkPageSize(first int32) error {
	if first < 0 {
		return newError("BAD_USER_INPUT", "first must not be negative.", "field", "first")
	}
	if first > maxPageSize {
		e := newError("PAGE_SIZE_EXCEEDED", fmt.Sprintf("first is %d; at most %d per page.", first, maxPageSize))
		e.extensions["limit"] = maxPageSize
		return e
	}
	return nil
}

type userR struct{ u *userRow }

func (r *userR) ID() graphql.ID { return graphql.ID("usr_" + strconv.FormatInt(r.u.id, 10)) }
func (r *userR) Name() string   { return r.u.name }

type poolR struct{ p *poolRow }

func (r *poolR) ID() graphql.ID { return graphql.ID("pool_" + strconv.FormatInt(r.p.id, 10)) }
func (r *poolR) Name() string   { return r.p.name }

type followUpR struct {
	f   *followUpRow
	req *request
}

func (r *followUpR) ID() graphql.ID { return graphql.ID("fu_" + strconv.FormatInt(r.f.id, 10)) }
func (r *followUpR) Kind() string   { return strings.ToUpper(r.f.kind) }
func (r *followUpR) Text() string   { return r.f.text }
func (r *followUpR) At() DateTime   { return DateTime{r.f.at} }
func (r *followUpR) By() *userR     { return r.req.userByID(r.f.byUserID) }

type eventR struct {
	e   *eventRow
	req *request
}

func (r *eventR) ID() graphql.ID    { return graphql.ID("evt_" + strconv.FormatInt(r.e.id, 10)) }
func (r *eventR) Kind() string      { return strings.ToUpper(r.e.kind) }
func (r *eventR) FromOwner() *userR { return r.req.userByID(r.e.fromOwnerID) }
func (r *eventR) ToOwner() *userR   { return r.req.userByID(r.e.toOwnerID) }
func (r *eventR) Reason() *string   { return optionalString(r.e.reason) }
func (r *eventR) At() DateTime      { return DateTime{r.e.at} }

// MARK: - JSON bytes as gonghai writes them

// gonghaiStrings rewrites the string escapes of encoding/json (which graphql-go uses for every
// scalar) into those of gonghai's encoder: `<`, `>`, `&`, U+2028 and U+2029 raw, `\b` and `\f`
// short, `/` as `\/`. JSON outside strings holds no `/` or `\`, so a document without either
// is returned as it is.
func gonghaiStrings(in []byte) []byte {
	if bytes.IndexByte(in, '\\') < 0 && bytes.IndexByte(in, '/') < 0 {
		return in
	}
	out := make([]byte, 0, len(in)+16)
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '/':
			out = append(out, '\\', '/')
		case c == '\\' && i+1 < len(in):
			if in[i+1] == 'u' && i+5 < len(in) {
				switch string(in[i+2 : i+6]) {
				case "003c":
					out = append(out, '<')
				case "003e":
					out = append(out, '>')
				case "0026":
					out = append(out, '&')
				case "0008":
					out = append(out, '\\', 'b')
				case "000c":
					out = append(out, '\\', 'f')
				case "2028":
					out = append(out, 0xe2, 0x80, 0xa8)
				case "2029":
					out = append(out, 0xe2, 0x80, 0xa9)
				default:
					out = append(out, in[i:i+6]...)
				}
				i += 5
			} else {
				out = append(out, c, in[i+1])
				i++
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// MARK: - HTTP

type server struct {
	st     *store
	schema *graphql.Schema
}

type requestBody struct {
	Query         string                 `json:"query"`
	OperationName string                 `json:"operationName"`
	Variables     map[string]interface{} `json:"variables"`
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body)
}

func requestError(w http.ResponseWriter, status int, code, message string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(message)
	msg := bytes.TrimRight(b.Bytes(), "\n")
	body := []byte(`{"errors":[{"message":` + string(msg) + `,"path":[],"extensions":{"code":"` + code + `"}}]}`)
	if code == "UNAUTHENTICATED" {
		w.Header()["Www-Authenticate"] = []string{"Bearer"}
	}
	writeJSON(w, status, gonghaiStrings(body))
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		writeJSON(w, 200, []byte(`{"status":"ok"}`))
		return
	}
	if r.URL.Path != "/graphql" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = []string{"POST"}
		requestError(w, 405, "METHOD_NOT_ALLOWED", "Use POST.")
		return
	}
	ctx := r.Context()
	header := r.Header.Get("Authorization")
	var user *userRow
	if parts := strings.SplitN(header, " ", 2); len(parts) == 2 && strings.EqualFold(parts[0], "bearer") {
		u, err := s.st.authenticate(ctx, strings.TrimSpace(parts[1]))
		if err != nil {
			log.Printf("authenticate: %v", err)
			requestError(w, 500, "INTERNAL", "Internal server error.")
			return
		}
		user = u
	}
	if user == nil {
		requestError(w, 401, "UNAUTHENTICATED", "A valid bearer token is required (Authorization: Bearer <token>).")
		return
	}
	if !user.admin {
		requestError(w, 403, "FORBIDDEN", "This benchmark peer serves administrators only.")
		return
	}
	body, ok := readRequest(w, r)
	if !ok {
		return
	}
	req := &request{st: s.st, ctx: ctx, user: user, users: map[int64]*userRow{user.id: user}}
	respond(w, s.schema.Exec(context.WithValue(ctx, requestKey{}, req), body.Query, body.OperationName, body.Variables))
}

// readRequest reads a POSTed GraphQL request body, or answers the error and returns false.
func readRequest(w http.ResponseWriter, r *http.Request) (*requestBody, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil || len(raw) > 1<<20 {
		requestError(w, 413, "PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts.")
		return nil, false
	}
	var body requestBody
	if err := json.Unmarshal(raw, &body); err != nil || body.Query == "" {
		requestError(w, 400, "BAD_REQUEST", "The body must be a JSON object with a query.")
		return nil, false
	}
	return &body, true
}

// respond writes graphql-go's response with gonghai's bytes.
func respond(w http.ResponseWriter, resp *graphql.Response) {
	out := make([]byte, 0, len(resp.Data)+64)
	if resp.Data != nil {
		out = append(out, `{"data":`...)
		out = append(out, resp.Data...)
	} else {
		out = append(out, '{')
	}
	if len(resp.Errors) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(resp.Errors)
		if resp.Data != nil {
			out = append(out, ',')
		}
		out = append(out, `"errors":`...)
		out = append(out, bytes.TrimRight(b.Bytes(), "\n")...)
	}
	out = append(out, '}')
	writeJSON(w, 200, gonghaiStrings(out))
}

func main() {
	dbPath := flag.String("db", "", "the SQLite database file gonghai serves")
	port := flag.Int("port", 18091, "the port to listen on (127.0.0.1)")
	lean := flag.Bool("lean", false, "serve only the lean page, with one JOINed query and no token (lean.go)")
	flag.Parse()
	if *dbPath == "" {
		log.Fatal("-db is required")
	}
	st, err := openStore(*dbPath)
	if err != nil {
		log.Fatalf("open %s: %v", *dbPath, err)
	}
	var handler http.Handler
	if *lean {
		schema, err := graphql.ParseSchema(leanSchemaText, &leanQueryR{st: st})
		if err != nil {
			log.Fatalf("schema: %v", err)
		}
		handler = &leanServer{schema: schema}
	} else {
		schema, err := graphql.ParseSchema(schemaText, &queryR{st: st})
		if err != nil {
			log.Fatalf("schema: %v", err)
		}
		handler = &server{st: st, schema: schema}
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("graphql-go peer listening on http://%s/graphql (database %s, lean %v)", ln.Addr(), *dbPath, *lean)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
