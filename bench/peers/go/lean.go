package main

// The lean peer (`-lean`): what issue 21 compares gonghai's page with. It answers only
//
//	{ customers(first: 20) { nodes { id name industry owner { name } } } }
//
// with gonghai's bytes, from one statement with the owner joined, and checks no token: the
// least a graphql-go server does for that page.

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"

	graphql "github.com/graph-gophers/graphql-go"
)

const leanSchemaText = `
schema {
  query: Query
}

type Query {
  customers(first: Int = 20): LeanConnection!
}

type LeanConnection {
  nodes: [LeanCustomer!]!
}

type LeanCustomer {
  id: ID!
  name: String!
  industry: String
  owner: LeanOwner
}

type LeanOwner {
  name: String!
}
`

const leanPageSQL = `SELECT c.id, c.name, c.industry, u.name FROM customers c LEFT JOIN users u ON u.id = c.owner_id
ORDER BY c.created_at DESC, c.id DESC LIMIT ?`

type leanQueryR struct{ st *store }

type leanCustomerR struct {
	id       int64
	name     string
	industry sql.NullString
	owner    sql.NullString
}

type leanConnectionR struct{ nodes []*leanCustomerR }

type leanOwnerR struct{ name string }

func (q *leanQueryR) Customers(ctx context.Context, args struct{ First int32 }) (*leanConnectionR, error) {
	if err := checkPageSize(args.First); err != nil {
		return nil, err
	}
	rows, err := q.st.query(ctx, leanPageSQL, args.First)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var nodes []*leanCustomerR
	for rows.Next() {
		c := &leanCustomerR{}
		if err := rows.Scan(&c.id, &c.name, &c.industry, &c.owner); err != nil {
			return nil, err
		}
		nodes = append(nodes, c)
	}
	return &leanConnectionR{nodes: nodes}, rows.Err()
}

func (c *leanConnectionR) Nodes() []*leanCustomerR { return c.nodes }

func (c *leanCustomerR) ID() graphql.ID    { return graphql.ID("cus_" + strconv.FormatInt(c.id, 10)) }
func (c *leanCustomerR) Name() string      { return c.name }
func (c *leanCustomerR) Industry() *string { return optionalString(c.industry) }
func (c *leanCustomerR) Owner() *leanOwnerR {
	if !c.owner.Valid {
		return nil
	}
	return &leanOwnerR{c.owner.String}
}

func (o *leanOwnerR) Name() string { return o.name }

type leanServer struct{ schema *graphql.Schema }

func (s *leanServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/graphql" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, ok := readRequest(w, r)
	if !ok {
		return
	}
	respond(w, s.schema.Exec(r.Context(), body.Query, body.OperationName, body.Variables))
}
