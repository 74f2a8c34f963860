package oai.usage.consumer;

import java.net.http.HttpClient;
import java.util.List;
import oai.usage.client.ApiClient;
import oai.usage.client.ApiException;
import oai.usage.client.api.UsageApi;
import oai.usage.client.model.UsageBucketWidth;
import oai.usage.client.model.UsageCompletionsBucket;
import oai.usage.client.model.UsageCompletionsGroupBy;
import oai.usage.client.model.UsageCompletionsPage;
import oai.usage.client.model.UsageCompletionsResult;

/**
 * The Java quickstart of docs/contract.md, compiled and run by run.py on every build so it cannot rot: three
 * days of hourly completions usage per model and project, every page followed, input tokens summed.
 * Plain typed calls on the generated client; run.py checks the total against Consumer's.
 *
 * <p>Usage: {@code java oai.usage.consumer.Quickstart BASE_URL} (e.g. http://127.0.0.1:8000/v1),
 * with the admin key in OPENAI_ADMIN_KEY.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) throws ApiException {
    ApiClient client = new ApiClient();
    client.setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    client.updateBaseUri(args.length > 0 ? args[0] : "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_ADMIN_KEY");
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
    UsageApi usage = new UsageApi(client);

    long pages = 0;
    long inputTokens = 0;
    String cursor = null;
    boolean hasMore = true;
    while (hasMore) {
      UsageCompletionsPage page =
          usage.usageCompletions(
              UsageApi.APIUsageCompletionsRequest.newBuilder()
                  .startTime(1793232000L) // Unix seconds: int64 (Long) everywhere
                  .endTime(1793491200L)
                  .bucketWidth(UsageBucketWidth.ONE_HOUR)
                  .groupBy(List.of(UsageCompletionsGroupBy.MODEL, UsageCompletionsGroupBy.PROJECT_ID))
                  .limit(24L)
                  .page(cursor) // null on the first call
                  .build());
      pages++;
      for (UsageCompletionsBucket bucket : page.getData()) {
        for (UsageCompletionsResult result : bucket.getResults()) {
          inputTokens += result.getInputTokens();
        }
      }
      hasMore = Boolean.TRUE.equals(page.getHasMore());
      cursor = page.getNextPage();
    }
    System.out.println("{\"pages\": " + pages + ", \"input_tokens\": " + inputTokens + "}");
  }
}
