// A TypeScript consumer of openapi.yaml, as another team would write it: types from openapi-typescript,
// requests through openapi-fetch, compiled by tsc in strict mode (exactOptionalPropertyTypes,
// noUncheckedIndexedAccess). It runs the queries of tools/consumers/queries.json against a server (the sandbox
// in CI), follows every page, and prints {operation: {pages, buckets, results, sum}} as JSON on stdout.
//
//   node build/main.js --base-url http://127.0.0.1:8765/v1 --queries ../queries.json
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { paths } from "../build/schema.js";

interface Totals {
  pages: number;
  buckets: number;
  results: number;
  sum: number;
}

// Every page has this shape (the contract's `x-pagination`: cursor param `page`, next-cursor `next_page`,
// has-more `has_more`, items `data`), so one generic paginator serves all 12 page types.
interface Page<R> {
  data: { results: R[] }[];
  has_more: boolean;
  next_page: string | null;
}

interface Query {
  operation: string;
  path: string;
  params: Record<string, unknown>;
  sum_field: string;
}

// An Admin query (queries.json `admin_queries`): a list paged with `after`, or one object.
interface AdminQuery extends Query {
  path_params: Record<string, string>;
  paged: boolean;
}

interface AdminTotals {
  pages: number;
  items: number;
  sum: number;
}

// The Admin lists' `x-pagination` (type `after`): send `last_id` as `after` while `has_more`; items in `data`.
interface AfterPage<I> {
  data: I[];
  has_more: boolean;
  last_id?: string | null;
}

function argument(name: string): string {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) {
    throw new Error(`missing ${name}`);
  }
  return value;
}

const baseUrl = argument("--base-url");
const file = JSON.parse(readFileSync(argument("--queries"), "utf8")) as { queries: Query[]; admin_queries: AdminQuery[] };
const queries = file.queries;
const adminQueries = file.admin_queries;
const key = process.env["OPENAI_ADMIN_KEY"] ?? "sk-admin-consumers";
const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });

const MAX_PAGES = 10_000;

async function follow<R>(
  fetchPage: (cursor: string | undefined) => Promise<Page<R>>,
  value: (row: R) => number,
): Promise<Totals> {
  const totals: Totals = { pages: 0, buckets: 0, results: 0, sum: 0 };
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    totals.pages += 1;
    for (const bucket of page.data) {
      totals.buckets += 1;
      for (const row of bucket.results) {
        totals.results += 1;
        totals.sum += value(row);
      }
    }
    if (!page.has_more) {
      return totals;
    }
    if (page.next_page === null || seen.has(page.next_page) || totals.pages >= MAX_PAGES) {
      throw new Error(`bad cursor after page ${totals.pages}: ${String(page.next_page)}`);
    }
    seen.add(page.next_page);
    cursor = page.next_page;
  }
}

async function followAfter<I extends { id: string }>(
  fetchPage: (after: string | undefined) => Promise<AfterPage<I>>,
  value: (item: I) => number,
): Promise<AdminTotals> {
  const totals: AdminTotals = { pages: 0, items: 0, sum: 0 };
  const seen = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page = await fetchPage(after);
    totals.pages += 1;
    for (const item of page.data) {
      if (seen.has(item.id)) {
        throw new Error(`${item.id} came twice`);
      }
      seen.add(item.id);
      totals.items += 1;
      totals.sum += value(item);
    }
    if (!page.has_more) {
      return totals;
    }
    const next = page.last_id;
    if (next === undefined || next === null || next === after || totals.pages >= MAX_PAGES) {
      throw new Error(`bad last_id after page ${totals.pages}: ${String(next)}`);
    }
    after = next;
  }
}

function one(value: number): AdminTotals {
  return { pages: 1, items: 1, sum: value };
}

function withAfter<Q extends object>(query: Q, after: string | undefined): Q & { after?: string } {
  return after === undefined ? query : { ...query, after };
}

function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

// The query of one operation, typed by the contract (the JSON file is trusted to match it; the server checks it).
type QueryOf<P extends keyof paths> = NonNullable<paths[P]["get"]["parameters"]["query"]>;

function withCursor<Q extends object>(query: Q, cursor: string | undefined): Q & { page?: string } {
  return cursor === undefined ? query : { ...query, page: cursor };
}

// One entry per operation: the call (path literal, so request and response are typed per endpoint), the field it
// sums (checked against queries.json), and the summed value read with the generated types: required fields need
// no `?.` and no `?? 0`.
const operations: Record<string, { field: string; run: (params: unknown) => Promise<Totals> }> = {
  completions: {
    field: "input_tokens",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/completions", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/completions">, cursor) },
            }),
          ),
        (row) => row.input_tokens,
      ),
  },
  embeddings: {
    field: "input_tokens",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/embeddings", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/embeddings">, cursor) },
            }),
          ),
        (row) => row.input_tokens,
      ),
  },
  moderations: {
    field: "input_tokens",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/moderations", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/moderations">, cursor) },
            }),
          ),
        (row) => row.input_tokens,
      ),
  },
  images: {
    field: "images",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/images", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/images">, cursor) },
            }),
          ),
        (row) => row.images,
      ),
  },
  audio_speeches: {
    field: "characters",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/audio_speeches", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/audio_speeches">, cursor) },
            }),
          ),
        (row) => row.characters,
      ),
  },
  audio_transcriptions: {
    field: "seconds",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/audio_transcriptions", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/audio_transcriptions">, cursor) },
            }),
          ),
        (row) => row.seconds,
      ),
  },
  vector_stores: {
    field: "usage_bytes",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/vector_stores", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/vector_stores">, cursor) },
            }),
          ),
        (row) => row.usage_bytes,
      ),
  },
  code_interpreter_sessions: {
    field: "num_sessions",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/code_interpreter_sessions", {
              params: {
                query: withCursor(params as QueryOf<"/organization/usage/code_interpreter_sessions">, cursor),
              },
            }),
          ),
        (row) => row.num_sessions,
      ),
  },
  file_search_calls: {
    field: "num_requests",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/file_search_calls", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/file_search_calls">, cursor) },
            }),
          ),
        (row) => row.num_requests,
      ),
  },
  web_search_calls: {
    field: "num_requests",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/web_search_calls", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/web_search_calls">, cursor) },
            }),
          ),
        (row) => row.num_requests,
      ),
  },
  decisions: {
    field: "input_tokens",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/usage/decisions", {
              params: { query: withCursor(params as QueryOf<"/organization/usage/decisions">, cursor) },
            }),
          ),
        (row) => row.input_tokens,
      ),
  },
  costs: {
    field: "amount.value",
    run: (params) =>
      follow(
        async (cursor) =>
          ok(
            await client.GET("/organization/costs", {
              params: { query: withCursor(params as QueryOf<"/organization/costs">, cursor) },
            }),
          ),
        (row) => row.amount?.value ?? 0, // optional: no official sample requires it (x-evidence)
      ),
  },
};

type AdminQueryOf<P extends keyof paths> = NonNullable<paths[P]["get"]["parameters"]["query"]>;

// One entry per Admin query: the typed call (path literal), the field it sums, read with the generated types.
const adminOperations: Record<
  string,
  { field: string; run: (params: unknown, path: Record<string, string>) => Promise<AdminTotals> }
> = {
  listProjects: {
    field: "created_at",
    run: (params) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/projects", {
              params: { query: withAfter(params as AdminQueryOf<"/organization/projects">, after) },
            }),
          ),
        (item) => item.created_at,
      ),
  },
  listUsers: {
    field: "added_at",
    run: (params) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/users", {
              params: { query: withAfter(params as AdminQueryOf<"/organization/users">, after) },
            }),
          ),
        (item) => item.added_at,
      ),
  },
  listProjectApiKeys: {
    field: "created_at",
    run: (params, path) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/projects/{project_id}/api_keys", {
              params: {
                path: { project_id: path["project_id"] ?? "" },
                query: withAfter(params as AdminQueryOf<"/organization/projects/{project_id}/api_keys">, after),
              },
            }),
          ),
        (item) => item.created_at,
      ),
  },
  listProjectServiceAccounts: {
    field: "created_at",
    run: (params, path) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/projects/{project_id}/service_accounts", {
              params: {
                path: { project_id: path["project_id"] ?? "" },
                query: withAfter(
                  params as AdminQueryOf<"/organization/projects/{project_id}/service_accounts">,
                  after,
                ),
              },
            }),
          ),
        (item) => item.created_at,
      ),
  },
  listProjectUsers: {
    field: "added_at",
    run: (params, path) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/projects/{project_id}/users", {
              params: {
                path: { project_id: path["project_id"] ?? "" },
                query: withAfter(params as AdminQueryOf<"/organization/projects/{project_id}/users">, after),
              },
            }),
          ),
        (item) => item.added_at,
      ),
  },
  listAdminApiKeys: {
    field: "created_at",
    run: (params) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/admin_api_keys", {
              params: { query: withAfter(params as AdminQueryOf<"/organization/admin_api_keys">, after) },
            }),
          ),
        (item) => item.created_at,
      ),
  },
  listOrganizationSpendAlerts: {
    field: "threshold_amount",
    run: (params) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/spend_alerts", {
              params: { query: withAfter(params as AdminQueryOf<"/organization/spend_alerts">, after) },
            }),
          ),
        (item) => item.threshold_amount,
      ),
  },
  listProjectSpendAlerts: {
    field: "threshold_amount",
    run: (params, path) =>
      followAfter(
        async (after) =>
          ok(
            await client.GET("/organization/projects/{project_id}/spend_alerts", {
              params: {
                path: { project_id: path["project_id"] ?? "" },
                query: withAfter(params as AdminQueryOf<"/organization/projects/{project_id}/spend_alerts">, after),
              },
            }),
          ),
        (item) => item.threshold_amount,
      ),
  },
  getOrganizationSpendLimit: {
    field: "threshold_amount",
    run: async () => one(ok(await client.GET("/organization/spend_limit")).threshold_amount),
  },
  getProjectSpendLimit: {
    field: "threshold_amount",
    run: async (_params, path) =>
      one(
        ok(
          await client.GET("/organization/projects/{project_id}/spend_limit", {
            params: { path: { project_id: path["project_id"] ?? "" } },
          }),
        ).threshold_amount,
      ),
  },
};

async function main(): Promise<void> {
  const out: Record<string, Totals | AdminTotals> = {};
  for (const query of queries) {
    const operation = operations[query.operation];
    if (operation === undefined) {
      throw new Error(`no TypeScript call for operation ${query.operation}`);
    }
    if (operation.field !== query.sum_field) {
      throw new Error(`${query.operation}: queries.json sums ${query.sum_field}, this consumer sums ${operation.field}`);
    }
    out[query.operation] = await operation.run(query.params);
  }
  for (const query of adminQueries) {
    const operation = adminOperations[query.operation];
    if (operation === undefined) {
      throw new Error(`no TypeScript call for Admin operation ${query.operation}`);
    }
    if (operation.field !== query.sum_field) {
      throw new Error(`${query.operation}: queries.json sums ${query.sum_field}, this consumer sums ${operation.field}`);
    }
    out[query.operation] = await operation.run(query.params, query.path_params);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`typescript consumer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
