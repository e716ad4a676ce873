package io.cotoami.gateway.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Finds keys in the schemas of an OpenAPI document that are no keyword. In OpenAPI 3.1 a schema
 * is JSON Schema, where an unknown key is legal and ignored, so a YAML slip (an unquoted comma in
 * a flow mapping) passes every validator while the rule it was meant to state is lost.
 */
final class SchemaKeywords {
  static final Set<String> KNOWN = Set.of("$ref", "$id", "$schema", "$defs", "$comment", "type", "format",
      "description", "title", "default", "examples", "example", "enum", "const", "pattern", "minLength", "maxLength",
      "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items", "prefixItems",
      "minItems", "maxItems", "uniqueItems", "contains", "properties", "patternProperties", "additionalProperties",
      "required", "minProperties", "maxProperties", "propertyNames", "allOf", "oneOf", "anyOf", "not", "if",
      "then", "else", "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
      "readOnly", "writeOnly", "deprecated", "discriminator", "xml", "externalDocs", "contentMediaType",
      "contentEncoding");

  private SchemaKeywords() {
  }

  static List<String> unknown(String yaml) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    List<String> found = new ArrayList<>();
    walk(root, "#", false, found);
    return found;
  }

  private static void walk(Object node, String at, boolean isSchema, List<String> found) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        String here = at + "/" + key;
        if (isSchema && !KNOWN.contains(key) && !key.startsWith("x-")) {
          found.add(here);
        }
        walk(entry.getValue(), here, childIsSchema(isSchema, key), found);
        if (isSchema && (key.equals("properties") || key.equals("patternProperties") || key.equals("$defs"))
            && entry.getValue() instanceof Map<?, ?> props) {
          props.forEach((name, schema) -> walk(schema, here + "/" + name, true, found));
        }
        if (!isSchema && key.equals("schemas") && entry.getValue() instanceof Map<?, ?> schemas) {
          schemas.forEach((name, schema) -> walk(schema, here + "/" + name, true, found));
        }
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), at + "/" + i, isSchema, found);
      }
    }
  }

  /** Whether the value under {@code key} is itself a schema (lists under allOf etc. hold schemas). */
  private static boolean childIsSchema(boolean parentIsSchema, String key) {
    if (key.equals("schema")) {
      return true;
    }
    return parentIsSchema && Set.of("items", "allOf", "oneOf", "anyOf", "not", "if", "then", "else",
        "additionalProperties", "contains", "propertyNames", "unevaluatedProperties").contains(key);
  }
}
