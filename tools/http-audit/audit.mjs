// graphql-http's GraphQL-over-HTTP audit against a running server.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON object (counts per status and every failing audit) and exits 1 when any
// audit warns or errs, 2 on a usage or network problem.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const failures = [];
for (const result of results) {
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    failures.push({ id: result.id, name: result.name, status: result.status, reason: result.reason });
  }
}
console.log(JSON.stringify({ total: results.length, counts, failures }, null, 1));
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
