package org.waymark.directory.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Open Referral UK 3.0 schemas from the shared fixtures (read in place, never copied), with format assertions on
 * (uuid, uri, email, date-time). The UK schemas refer to a few HSDS tables they do not redefine (language, cost_option,
 * attribute, ...): those come from the HSDS 3.0 schemas next to them; the two that neither folder has (funding,
 * organization_identifier) validate anything. Shared with the integration tests (test-jar).
 */
public final class OrukSchemas {
    public static final Path FIXTURES = Path.of(System.getProperty("waymark.fixtures", "../../../shared/fixtures")).toAbsolutePath().normalize();
    public static final Path UK = FIXTURES.resolve("open-referral-uk/uk-profile/schema");
    public static final Path HSDS = FIXTURES.resolve("hsds-3.0/schema");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.add(iri -> {
                String text = iri.toString();
                if (!text.startsWith("file:")) {
                    return null;
                }
                Path path = Path.of(URI.create(text));
                if (Files.isRegularFile(path)) {
                    return () -> Files.newInputStream(path);
                }
                Path hsds = HSDS.resolve(path.getFileName().toString());
                if (Files.isRegularFile(hsds)) {
                    return () -> Files.newInputStream(hsds);
                }
                return () -> (InputStream) new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8));
            })));
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    /** @param table e.g. {@code service}: problems of {@code json} against {@code uk-profile/schema/service.json} */
    public List<String> problems(String table, JsonNode json) {
        JsonSchema schema = schemas.computeIfAbsent(table,
                t -> factory.getSchema(SchemaLocation.of(UK.resolve(t + ".json").toUri().toString()), config));
        return schema.validate(json).stream().map(ValidationMessage::toString).sorted().toList();
    }

    /** Problems of a paginated answer: the wrapper against the OpenAPI's Page schema, each item against {@code table}. */
    public List<String> pageProblems(String table, JsonNode page) {
        JsonSchema pageSchema = schemas.computeIfAbsent("#Page", t -> {
            try {
                JsonNode openapi = JSON.readTree(UK.resolve("openapi.json").toFile());
                JsonNode node = openapi.path("components").path("schemas").path("Page").deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) node).putArray("required").add("total_items")
                        .add("total_pages").add("page_number").add("size").add("first_page").add("last_page").add("empty")
                        .add("contents");
                return factory.getSchema(node, config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<String> problems = new java.util.ArrayList<>(pageSchema.validate(page).stream().map(ValidationMessage::toString).toList());
        if (!page.path("contents").isArray()) {
            problems.add("contents is not an array");
        }
        for (JsonNode item : page.path("contents")) {
            problems.addAll(problems(table, item));
        }
        return problems;
    }

    /** Problems of {@code GET /} against the ORUK validator's api_details schema. */
    public List<String> apiDetailsProblems(JsonNode json) {
        JsonSchema schema = schemas.computeIfAbsent("#api_details", t -> factory.getSchema(SchemaLocation.of(
                FIXTURES.resolve("open-referral-uk/validator/Schemas/V3.0-UK/api_details.json").toUri().toString()), config));
        return schema.validate(json).stream().map(ValidationMessage::toString).toList();
    }
}
