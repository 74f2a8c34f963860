// Proof that a TypeScript client can consume openapi.yaml: the generated types must accept a page of each shape
// (every key the current server sends, and the older shape real captures show) and reject a wrong one.
import type { components, operations, paths } from "./out/schema";

type Schemas = components["schemas"];

const completionsRow: Schemas["UsageCompletionsResult"] = {
  object: "organization.usage.completions.result",
  input_tokens: 1200,
  output_tokens: 340,
  num_model_requests: 12,
  input_cached_tokens: 0,
  input_cache_write_tokens: 0,
  input_uncached_tokens: 1200,
  input_text_tokens: 1200,
  input_cached_text_tokens: 0,
  input_audio_tokens: 0,
  input_cached_audio_tokens: 0,
  input_image_tokens: 0,
  input_cached_image_tokens: 0,
  output_text_tokens: 340,
  output_audio_tokens: 0,
  output_image_tokens: 0,
  project_id: "proj_abc",
  user_id: null,
  api_key_id: null,
  model: "gpt-4o-mini",
  batch: false,
  service_tier: null,
  // open enum: any string is accepted, not only the x-known-values
  api_source: "some_future_source",
};

const completions: Schemas["UsageCompletionsPage"] = {
  object: "page",
  has_more: false,
  next_page: null,
  data: [{ object: "bucket", start_time: 1793491200, end_time: 1793577600, results: [completionsRow] }],
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
          project_id: null,
          api_key_id: null,
          user_id: null,
          api_source: null,
          quantity: 1200,
          quantity_unit: "kilowatt_hours",
        },
      ],
    },
  ],
};

// `amount` and its `value` are optional (no official sample requires them: x-evidence), so `?.` and `?? 0`.
const spend: number = costs.data.reduce((sum, b) => sum + b.results.reduce((s, r) => s + (r.amount?.value ?? 0), 0), 0);

// A costs result as the February 2025 capture shows it: `organization_id`, none of the newer keys.
const legacyCost: Schemas["CostsResult"] = {
  object: "organization.costs.result",
  amount: { value: 0.0123, currency: "usd" },
  line_item: null,
  project_id: null,
  organization_id: "org-example",
};

// Query parameters are typed per endpoint: group_by values come from each endpoint's own enum.
type CompletionsQuery = operations["usageCompletions"]["parameters"]["query"];
const query: CompletionsQuery = { start_time: 1793491200, bucket_width: "1h", group_by: ["model", "batch"], limit: 168 };

type CostsQuery = NonNullable<paths["/organization/costs"]["get"]["parameters"]["query"]>;
const costsQuery: CostsQuery = { start_time: 1793491200, bucket_width: "1d", line_items: ["gpt-image-1, 1024x1792"] };

type ImagesQuery = operations["usageImages"]["parameters"]["query"];
const landscape: ImagesQuery = { start_time: 1793491200, sizes: ["1792x1024"] };

// @ts-expect-error costs only has 1d buckets
const badWidth: CostsQuery = { start_time: 1, bucket_width: "1h" };

// @ts-expect-error vector_stores cannot be grouped by model
const badGroup: operations["usageVectorStores"]["parameters"]["query"] = { start_time: 1, group_by: ["model"] };

// @ts-expect-error a completions row carries output_tokens and num_model_requests (every sample has them)
const badRow: Schemas["UsageCompletionsResult"] = { object: "organization.usage.completions.result", input_tokens: 1 };

// A completions row as the February 2025 capture shows it: no token breakdowns, service_tier or api_source.
const legacyRow: Schemas["UsageCompletionsResult"] = {
  object: "organization.usage.completions.result",
  input_tokens: 1200,
  output_tokens: 340,
  num_model_requests: 12,
  project_id: null,
  user_id: null,
  api_key_id: null,
  model: null,
  batch: null,
  input_cached_tokens: 0,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
};

// @ts-expect-error a dimension is a string or null, never a number
const badDimension: Schemas["UsageCompletionsResult"] = { ...completionsRow, project_id: 7 };

type ErrorBody = operations["usageImages"]["responses"][429]["content"]["application/json"];
const rateLimited: ErrorBody = { error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } };

export { completions, costs, spend, legacyCost, legacyRow, query, costsQuery, landscape, badWidth, badGroup, badRow, badDimension, rateLimited };
