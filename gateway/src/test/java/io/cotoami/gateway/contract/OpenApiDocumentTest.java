package io.cotoami.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The OpenAPI document the gateway serves, read by a real parser that also validates it. */
class OpenApiDocumentTest {
  static final String RESOURCE = "/webroot/openapi.yaml";

  static String document() throws IOException {
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(RESOURCE)) {
      assertNotNull(in, RESOURCE + " is on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static SwaggerParseResult parse(String yaml) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    return new OpenAPIParser().readContents(yaml, null, options);
  }

  @Test
  @DisplayName("swagger-parser reads the served document as OpenAPI 3.1 without a single validation message")
  void validOpenApi31() throws IOException {
    SwaggerParseResult result = parse(document());
    List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
    assertEquals(List.of(), messages, "swagger-parser's messages");
    OpenAPI api = result.getOpenAPI();
    assertNotNull(api);
    assertEquals("3.1.0", api.getOpenapi());
  }

  @Test
  @DisplayName("The validator is not blind: an unquoted comma in a response (as once broke the document) is reported")
  void brokenResponseIsReported() throws IOException {
    String broken = document().replace("'204': {description: Removed}", "'204': {description: Removed, at once}");
    List<String> messages = parse(broken).getMessages();
    assertTrue(messages != null && !messages.isEmpty(), "a bogus key in a response must be reported: " + messages);
  }

  @Test
  @DisplayName("Every key of every schema is a JSON Schema or OpenAPI keyword (3.1 would take a bogus one silently)")
  void schemaKeywordsAreKnown() throws IOException {
    assertEquals(List.of(), SchemaKeywords.unknown(document()));
  }

  @Test
  @DisplayName("The keyword check is not blind: an unquoted comma in a schema's description is reported")
  void brokenSchemaIsReported() throws IOException {
    String broken = document().replace("'blank is stored as null'", "blank, stored as null");
    assertEquals(1, SchemaKeywords.unknown(broken).size(), SchemaKeywords.unknown(broken).toString());
  }

  @Test
  @DisplayName("Every operation has an id, a security requirement, a success answer and problem answers")
  void everyOperationIsComplete() throws IOException {
    OpenAPI api = parse(document()).getOpenAPI();
    List<String> gaps = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
        String name = op.getKey() + " " + path.getKey();
        Operation operation = op.getValue();
        if (operation.getOperationId() == null) {
          gaps.add(name + ": no operationId");
        }
        if (operation.getSecurity() == null || operation.getSecurity().isEmpty()) {
          gaps.add(name + ": no security requirement (write [{}] for anonymous)");
        }
        if (operation.getResponses().keySet().stream().noneMatch(s -> s.startsWith("2") || s.equals("101"))) {
          gaps.add(name + ": no success answer");
        }
        if (!operation.getResponses().containsKey("500")) {
          gaps.add(name + ": no 500");
        }
        boolean write = op.getKey() != PathItem.HttpMethod.GET;
        if (write) {
          for (String status : List.of("403", "429", "503")) {
            if (!operation.getResponses().containsKey(status)) {
              gaps.add(name + ": a write without " + status);
            }
          }
        }
      }
    }
    assertEquals(List.of(), gaps);
  }
}
