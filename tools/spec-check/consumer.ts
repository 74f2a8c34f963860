// Proof that a TypeScript client can consume openapi.yaml: the generated types must accept a real
// page of each shape and reject a wrong one.
import type { components, operations, paths } from "./out/schema";

type Schemas = components["schemas"];

const completions: Schemas["UsageCompletionsPage"] = {
  object: "page",
  has_more: false,
  next_page: null,
  data: [
    {
      object: "bucket",
      start_time: 1793491200,
      end_time: 1793577600,
      results: [
        {
          object: "organization.usage.completions.result",
          input_tokens: 1200,
          output_tokens: 340,
          num_model_requests: 12,
          input_cached_tokens: null,
          project_id: "proj_abc",
          model: "gpt-4o-mini",
          batch: false,
          api_source: "some_future_source",
        },
      ],
    },
  ],
};

const costs: Schemas["CostsPage"] = {
  object: "page",
  has_more: true,
  next_page: "page_AAAA",
  data: [
    {
      object: "bucket",
      start_time: 1793491200,
      end_time: 1793577600,
      results: [
        {
          object: "organization.costs.result",
          amount: { value: 0.42, currency: "usd" },
          line_item: "gpt-4o-mini, input",
          quantity: 1200,
          quantity_unit: "tokens",
        },
      ],
    },
  ],
};

// Query parameters are typed per endpoint: group_by values come from each endpoint's own enum.
type CompletionsQuery = operations["usageCompletions"]["parameters"]["query"];
const query: CompletionsQuery = { start_time: 1793491200, bucket_width: "1h", group_by: ["model", "batch"], limit: 168 };

type CostsQuery = NonNullable<paths["/organization/costs"]["get"]["parameters"]["query"]>;
const costsQuery: CostsQuery = { start_time: 1793491200, bucket_width: "1d", line_items: ["gpt-4o-mini, input"] };

// @ts-expect-error costs only has 1d buckets
const badWidth: CostsQuery = { start_time: 1, bucket_width: "1h" };

// @ts-expect-error vector_stores cannot be grouped by model
const badGroup: operations["usageVectorStores"]["parameters"]["query"] = { start_time: 1, group_by: ["model"] };

// @ts-expect-error a completions row needs its required counters
const badRow: Schemas["UsageCompletionsResult"] = { object: "organization.usage.completions.result", input_tokens: 1 };

type ErrorBody = operations["usageImages"]["responses"][429]["content"]["application/json"];
const rateLimited: ErrorBody = { error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } };

export { completions, costs, query, costsQuery, badWidth, badGroup, badRow, rateLimited };
