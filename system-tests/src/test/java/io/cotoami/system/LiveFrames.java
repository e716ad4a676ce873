package io.cotoami.system;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The WebSocket frames of the AsyncAPI document the gateway serves ({@code /asyncapi.yaml}), as
 * JSON Schema validators: every frame a test sends or receives is checked against the message of
 * its {@code type}, in its direction.
 */
public final class LiveFrames {
  static final String DOCUMENT = "webroot/asyncapi.yaml";
  private static final LiveFrames INSTANCE = load();

  private final Map<String, Validator> client = new HashMap<>();
  private final Map<String, Validator> server = new HashMap<>();

  private LiveFrames(JsonObject document) {
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://cotoami.invalid/asyncapi/");
    JsonObject messages = document.getJsonObject("components").getJsonObject("messages");
    JsonObject operations = document.getJsonObject("operations");
    for (String operation : operations.fieldNames()) {
      JsonObject op = operations.getJsonObject(operation);
      Map<String, Validator> direction = "send".equals(op.getString("action")) ? client : server;
      for (Object ref : op.getJsonArray("messages")) {
        String name = ((JsonObject) ref).getString("$ref").replaceAll(".*/", "");
        JsonObject payload = messages.getJsonObject(name).getJsonObject("payload");
        String type = payload.getJsonObject("properties").getJsonObject("type").getString("const");
        direction.put(type, Validator.create(JsonSchema.of(payload), options));
      }
    }
  }

  public static LiveFrames get() {
    return INSTANCE;
  }

  private static LiveFrames load() {
    try (InputStream in = LiveFrames.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
      Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new LiveFrames(new JsonObject(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Null when the frame a client sends is as documented, else what is wrong with it. */
  public String clientFrame(JsonObject frame) {
    return check(client, frame, "client");
  }

  /** Null when the frame the server sent is as documented, else what is wrong with it. */
  public String serverFrame(JsonObject frame) {
    return check(server, frame, "server");
  }

  private static String check(Map<String, Validator> messages, JsonObject frame, String side) {
    Validator validator = messages.get(frame.getString("type"));
    if (validator == null) {
      return "no " + side + " frame of type '" + frame.getString("type") + "' in the AsyncAPI document: " + frame.encode();
    }
    OutputUnit result = validator.validate(frame);
    if (Boolean.TRUE.equals(result.getValid())) {
      return null;
    }
    List<OutputUnit> errors = result.getErrors();
    return "a " + side + " frame not as the AsyncAPI document says: " + frame.encode() + " — "
        + (errors == null || errors.isEmpty() ? result.getError()
            : errors.stream().map(e -> e.getInstanceLocation() + " " + e.getError()).toList());
  }
}
