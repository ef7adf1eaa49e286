'use strict';
// The lean peer (`--lean`): what issue 21 compares gonghai's page with. It answers only
//   { customers(first: 20) { nodes { id name industry owner { name } } } }
// with gonghai's bytes, from one statement with the owner joined, and checks no token: the least
// a graphql-js server does for that page.
const { buildSchema } = require('graphql');

const leanSchema = buildSchema(`
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
`);

const LEAN_PAGE_SQL = `SELECT c.id, c.name, c.industry, u.name AS owner_name FROM customers c
  LEFT JOIN users u ON u.id = c.owner_id ORDER BY c.created_at DESC, c.id DESC LIMIT ?`;

function leanRoot(checkPageSize) {
  return {
    async customers({ first }, context) {
      checkPageSize(first);
      const rows = await context.store.all(LEAN_PAGE_SQL, [first]);
      return {
        nodes: rows.map((row) => ({
          id: 'cus_' + row.id,
          name: row.name,
          industry: row.industry,
          owner: row.owner_name === null ? null : { name: row.owner_name },
        })),
      };
    },
  };
}

module.exports = { leanSchema, leanRoot };
