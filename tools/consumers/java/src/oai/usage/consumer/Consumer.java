package oai.usage.consumer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import oai.usage.client.ApiClient;
import oai.usage.client.ApiException;

/**
 * Runs every query of the consumers' queries.json through the Java client that openapi-generator
 * made from openapi.yaml, following every page, and prints per operation the pages, buckets,
 * results and the sum of one result field as one JSON object on stdout (Admin queries: pages,
 * items and the sum of one item field, lists followed with their object-id cursor).
 *
 * <p>One program serves all operations, so it reaches the generated classes by reflection: the
 * operation's method on the generated API class (its request object and builder), the builder's
 * setters (values converted to the generated parameter types by the generated client's own
 * ObjectMapper, so an int32 parameter refuses a value out of range), and the getters of the
 * generated models. Every response is decoded by the generated client into the generated models.
 *
 * <p>Usage: {@code java oai.usage.consumer.Consumer PLAN.json}; the key comes from the environment
 * variable OAI_USAGE_CONSUMER_KEY and is never printed.
 */
public final class Consumer {
  private static final int MAX_PAGES = 10_000;

  private Consumer() {}

  /** A failure to report on one line, for one operation. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java oai.usage.consumer.Consumer PLAN.json");
      System.exit(2);
    }
    String key = System.getenv("OAI_USAGE_CONSUMER_KEY");
    if (key == null || key.isEmpty()) {
      System.err.println("java consumer: OAI_USAGE_CONSUMER_KEY is not set");
      System.exit(2);
    }
    ObjectMapper plainMapper = new ObjectMapper();
    plainMapper.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
    JsonNode plan = plainMapper.readTree(new File(args[0]));

    ApiClient apiClient = new ApiClient();
    // HTTP/1.1: the default (HTTP/2) makes java.net.http ask a plain-http server to upgrade to h2c
    apiClient.setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    apiClient.updateBaseUri(plan.get("base_url").asText());
    apiClient.setConnectTimeout(Duration.ofSeconds(5));
    apiClient.setReadTimeout(Duration.ofSeconds(60));
    final String authorization = "Bearer " + key;
    apiClient.setRequestInterceptor(builder -> builder.header("Authorization", authorization));
    ObjectMapper mapper = apiClient.getObjectMapper();

    List<Object> apis = new ArrayList<>();
    for (JsonNode className : plan.get("api_classes")) {
      Class<?> apiClass = Class.forName(className.asText());
      apis.add(apiClass.getConstructor(ApiClient.class).newInstance(apiClient));
    }
    ObjectNode out = plainMapper.createObjectNode();
    List<String> failures = new ArrayList<>();
    for (JsonNode query : plan.get("queries")) {
      String operation = query.get("operation").asText();
      try {
        out.set(
            operation,
            query.has("paged")
                ? runAdminQuery(apis, mapper, plainMapper, query)
                : runQuery(apis, mapper, plainMapper, query));
      } catch (Failure e) {
        failures.add(operation + ": " + e.getMessage());
      } catch (RuntimeException e) {
        failures.add(operation + ": " + firstLine(e));
      }
    }
    if (!failures.isEmpty()) {
      for (String failure : failures) {
        System.err.println("java consumer: " + failure);
      }
      System.err.printf(
          "java consumer: %d of %d operations failed%n", failures.size(), plan.get("queries").size());
      System.exit(1);
    }
    System.out.println(plainMapper.writeValueAsString(out));
  }

  /**
   * Runs one Admin query: a list followed with its object-id cursor (the operation's x-pagination,
   * type after: send last_id as after while has_more), or one object; returns pages, items, sum.
   */
  static ObjectNode runAdminQuery(
      List<Object> apis, ObjectMapper mapper, ObjectMapper plainMapper, JsonNode query)
      throws Failure {
    Object[] found = operation(apis, query.get("operation_id").asText());
    Object api = found[0];
    Method call = (Method) found[1];
    // An operation without parameters gets no request object from the generator: it is called bare.
    Class<?> requestClass = call.getParameterCount() == 1 ? call.getParameterTypes()[0] : null;
    boolean paged = query.get("paged").asBoolean();
    JsonNode pagination = query.get("pagination");
    String[] sumPath = query.get("sum_field").asText().split("\\.");
    long pages = 0;
    long items = 0;
    Sum sum = new Sum();
    Set<String> seenIds = new HashSet<>();
    String after = null;
    while (true) {
      if (requestClass == null) {
        Object answer = invoke(api, call);
        if (answer == null) {
          throw new Failure("the answer has an empty body");
        }
        pages++;
        items++;
        sum.add(path(answer, sumPath), query.get("sum_field").asText());
        break;
      }
      Object builder = invoke(null, method(requestClass, "newBuilder"));
      for (JsonNode group : new JsonNode[] {query.get("path_params"), query.get("params")}) {
        Iterator<Map.Entry<String, JsonNode>> params = group.fields();
        while (params.hasNext()) {
          Map.Entry<String, JsonNode> param = params.next();
          setParam(mapper, builder, param.getKey(), param.getValue());
        }
      }
      if (after != null) {
        setParam(
            mapper,
            builder,
            pagination.get("cursor-param").asText(),
            plainMapper.getNodeFactory().textNode(after));
      }
      Object request = invoke(builder, method(builder.getClass(), "build"));
      Object answer = invoke(api, call, request);
      if (answer == null) {
        throw new Failure("answer " + (pages + 1) + " has an empty body");
      }
      pages++;
      List<?> data;
      if (paged) {
        Object list = get(answer, pagination.get("items-field").asText());
        if (!(list instanceof List)) {
          throw new Failure("page " + pages + ": the items are not a list");
        }
        data = (List<?>) list;
      } else {
        data = List.of(answer);
      }
      for (Object item : data) {
        if (paged && !seenIds.add(String.valueOf(get(item, "id")))) {
          throw new Failure("page " + pages + " repeats an item of an earlier page");
        }
        items++;
        sum.add(path(item, sumPath), query.get("sum_field").asText());
      }
      if (!paged || !Boolean.TRUE.equals(get(answer, pagination.get("has-more-field").asText()))) {
        break;
      }
      Object next = get(answer, pagination.get("next-cursor-field").asText());
      if (!(next instanceof String) || ((String) next).isEmpty() || next.equals(after)) {
        throw new Failure("page " + pages + " has more items but no new cursor");
      }
      after = (String) next;
      if (pages >= MAX_PAGES) {
        throw new Failure("more than " + MAX_PAGES + " pages");
      }
    }
    ObjectNode counts = plainMapper.createObjectNode();
    counts.put("pages", pages);
    counts.put("items", items);
    sum.putInto(counts, "sum");
    return counts;
  }

  /**
   * The generated API object and its method for an operationId: the one taking a request object,
   * or, for an operation without parameters, the one taking nothing.
   */
  static Object[] operation(List<Object> apis, String operationId) throws Failure {
    Object[] bare = null;
    for (Object candidate : apis) {
      for (Method method : candidate.getClass().getMethods()) {
        if (!normalize(method.getName()).equals(normalize(operationId))) {
          continue;
        }
        if (method.getParameterCount() == 1
            && method.getParameterTypes()[0].getSimpleName().endsWith("Request")) {
          return new Object[] {candidate, method};
        }
        if (method.getParameterCount() == 0) {
          bare = new Object[] {candidate, method};
        }
      }
    }
    if (bare != null) {
      return bare;
    }
    throw new Failure(
        "no generated method for operationId '" + operationId + "' taking a request object "
            + "(generate with useSingleRequestParameter=true)");
  }

  /** Fetches every page of one query and returns its pages, buckets, results and sum. */
  static ObjectNode runQuery(
      List<Object> apis, ObjectMapper mapper, ObjectMapper plainMapper, JsonNode query)
      throws Failure {
    String operationId = query.get("operation_id").asText();
    Object api = null;
    Method call = null;
    for (Object candidate : apis) {
      for (Method method : candidate.getClass().getMethods()) {
        if (method.getParameterCount() == 1
            && normalize(method.getName()).equals(normalize(operationId))
            && method.getParameterTypes()[0].getSimpleName().endsWith("Request")) {
          api = candidate;
          call = method;
        }
      }
    }
    if (call == null) {
      throw new Failure(
          "no generated method for operationId '" + operationId + "' taking a request object "
              + "(generate with useSingleRequestParameter=true)");
    }
    Class<?> requestClass = call.getParameterTypes()[0];
    JsonNode pagination = query.get("pagination");
    String cursorParam = pagination.get("cursor-param").asText();
    String itemsField = pagination.get("items-field").asText();
    String hasMoreField = pagination.get("has-more-field").asText();
    String nextField = pagination.get("next-cursor-field").asText();
    String[] sumPath = query.get("sum_field").asText().split("\\.");

    long pages = 0;
    long buckets = 0;
    long results = 0;
    Sum sum = new Sum();
    Set<String> seenCursors = new HashSet<>();
    String cursor = null;
    while (true) {
      Object builder = invoke(null, method(requestClass, "newBuilder"));
      Iterator<Map.Entry<String, JsonNode>> params = query.get("params").fields();
      while (params.hasNext()) {
        Map.Entry<String, JsonNode> param = params.next();
        setParam(mapper, builder, param.getKey(), param.getValue());
      }
      if (cursor != null) {
        setParam(mapper, builder, cursorParam, plainMapper.getNodeFactory().textNode(cursor));
      }
      Object request = invoke(builder, method(builder.getClass(), "build"));
      Object page = invoke(api, call, request);
      if (page == null) {
        throw new Failure("page " + (pages + 1) + " has an empty body");
      }
      pages++;
      Object data = get(page, itemsField);
      if (!(data instanceof List)) {
        throw new Failure("page " + pages + ": '" + itemsField + "' is not a list");
      }
      for (Object bucket : (List<?>) data) {
        buckets++;
        Object bucketResults = get(bucket, "results");
        if (!(bucketResults instanceof List)) {
          throw new Failure("page " + pages + ": a bucket's 'results' is not a list");
        }
        for (Object result : (List<?>) bucketResults) {
          results++;
          sum.add(path(result, sumPath), query.get("sum_field").asText());
        }
      }
      if (!Boolean.TRUE.equals(get(page, hasMoreField))) {
        break;
      }
      Object next = get(page, nextField);
      if (!(next instanceof String) || ((String) next).isEmpty()) {
        throw new Failure("page " + pages + " has " + hasMoreField + "=true but no " + nextField);
      }
      cursor = (String) next;
      if (!seenCursors.add(cursor)) {
        throw new Failure("page " + pages + " repeats the cursor of an earlier page");
      }
      if (pages >= MAX_PAGES) {
        throw new Failure("more than " + MAX_PAGES + " pages");
      }
    }
    ObjectNode counts = plainMapper.createObjectNode();
    counts.put("pages", pages);
    counts.put("buckets", buckets);
    counts.put("results", results);
    sum.putInto(counts, "sum");
    return counts;
  }

  /** Sets one wire parameter on a generated request builder, typed by the builder's setter. */
  static void setParam(ObjectMapper mapper, Object builder, String wireName, JsonNode value)
      throws Failure {
    Method setter = null;
    for (Method method : builder.getClass().getMethods()) {
      if (method.getParameterCount() == 1 && normalize(method.getName()).equals(normalize(wireName))) {
        setter = method;
      }
    }
    if (setter == null) {
      throw new Failure("the generated request has no parameter '" + wireName + "'");
    }
    JavaType type = mapper.getTypeFactory().constructType(setter.getGenericParameterTypes()[0]);
    Object converted;
    try {
      converted = mapper.convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw new Failure(
          "parameter '" + wireName + "' = " + value + " does not fit the generated type "
              + type.toCanonical() + ": " + firstLine(e));
    }
    invoke(builder, setter, converted);
  }

  /** The value of a dotted path of wire names through generated getters; null if any step is null. */
  static Object path(Object model, String[] names) throws Failure {
    Object value = model;
    for (String name : names) {
      if (value == null) {
        return null;
      }
      value = get(value, name);
    }
    return value;
  }

  /** The value of one wire field of a generated model, through its getter. */
  static Object get(Object model, String wireName) throws Failure {
    String wanted = "get" + normalize(wireName);
    for (Method method : model.getClass().getMethods()) {
      if (method.getParameterCount() == 0
          && !Modifier.isStatic(method.getModifiers())
          && normalize(method.getName()).equals(wanted)) {
        return invoke(model, method);
      }
    }
    throw new Failure(
        "generated model " + model.getClass().getSimpleName() + " has no field '" + wireName + "'");
  }

  static Method method(Class<?> type, String name) throws Failure {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      throw new Failure(type.getSimpleName() + " has no method " + name + "()");
    }
  }

  /** Invokes a method, turning the generated client's exceptions into one-line failures. */
  static Object invoke(Object target, Method method, Object... args) throws Failure {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApiException) {
        ApiException api = (ApiException) cause;
        if (api.getCode() != 0) {
          throw new Failure("HTTP " + api.getCode() + ": " + abbreviate(api.getResponseBody()));
        }
      }
      throw new Failure(firstLine(cause));
    } catch (IllegalAccessException e) {
      throw new Failure("cannot call " + method + ": " + e.getMessage());
    }
  }

  /**
   * One line for an exception chain: the innermost cause's type and message (Jackson's first line
   * only: it adds the source location), with the first message found further out when it has none.
   */
  static String firstLine(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    Throwable root = chain.get(chain.size() - 1);
    String message = root.getMessage();
    for (int i = chain.size() - 1; message == null && i >= 0; i--) {
      message = chain.get(i).getMessage();
    }
    String connect = "";
    for (Throwable t : chain) {
      if (t instanceof java.net.ConnectException) {
        connect = "cannot connect: ";
      }
    }
    String text = connect + root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "(no body)";
    }
    String flat = text.replace('\n', ' ');
    return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
  }

  /** Lower case with everything but letters and digits removed: start_time == startTime. */
  static String normalize(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
  }

  /** An exact sum: an integer while every value is integral, a decimal once one is not. */
  static final class Sum {
    private BigInteger integral = BigInteger.ZERO;
    private BigDecimal decimal = null;

    void add(Object value, String field) throws Failure {
      if (value == null) {
        return;
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Short
          || value instanceof Byte) {
        addInteger(BigInteger.valueOf(((Number) value).longValue()));
      } else if (value instanceof BigInteger) {
        addInteger((BigInteger) value);
      } else if (value instanceof BigDecimal) {
        addDecimal((BigDecimal) value);
      } else if (value instanceof Double || value instanceof Float) {
        addDecimal(new BigDecimal(value.toString()));
      } else {
        throw new Failure(
            "'" + field + "' is a " + value.getClass().getSimpleName() + " in the generated model, not a number");
      }
    }

    private void addInteger(BigInteger value) {
      if (decimal == null) {
        integral = integral.add(value);
      } else {
        decimal = decimal.add(new BigDecimal(value));
      }
    }

    private void addDecimal(BigDecimal value) {
      if (decimal == null) {
        decimal = new BigDecimal(integral);
      }
      decimal = decimal.add(value);
    }

    void putInto(ObjectNode node, String name) {
      if (decimal == null) {
        node.put(name, integral);
      } else {
        node.put(name, decimal.stripTrailingZeros());
      }
    }
  }
}
