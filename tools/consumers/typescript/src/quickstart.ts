// The TypeScript quickstart of docs/contract.md, compiled (tsc strict) and run by tools/consumers/run.py on every CI run, so it
// cannot rot: three days of hourly completions usage per model and project, every page followed, input tokens
// summed. run.py checks the answer against the Python client's.
import createClient from "openapi-fetch";
import type { paths } from "../build/schema.js"; // npx openapi-typescript openapi.yaml --output build/schema.d.ts

const client = createClient<paths>({
  baseUrl: process.env["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1",
  headers: { Authorization: `Bearer ${process.env["OPENAI_ADMIN_KEY"] ?? ""}` },
});

let cursor: string | undefined;
let pages = 0;
let inputTokens = 0;
do {
  const { data, error } = await client.GET("/organization/usage/completions", {
    params: {
      query: {
        start_time: 1793232000, // Unix seconds
        end_time: 1793491200,
        bucket_width: "1h",
        group_by: ["model", "project_id"], // sent as group_by=model&group_by=project_id
        limit: 24,
        ...(cursor === undefined ? {} : { page: cursor }),
      },
    },
  });
  if (error !== undefined) {
    throw new Error(`${error.error.type}: ${error.error.message}`);
  }
  pages += 1;
  for (const bucket of data.data) {
    for (const row of bucket.results) {
      inputTokens += row.input_tokens; // required (every sample has it): a number, never undefined
    }
  }
  cursor = data.has_more && data.next_page !== null ? data.next_page : undefined;
} while (cursor !== undefined);

console.log(JSON.stringify({ pages, input_tokens: inputTokens }));
