package dev.braid.detect.rules;

import dev.braid.schema.Severity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads and validates the rule files of {@code cep-rules/}: one YAML file per rule, named after it.
 * Anything wrong stops the job's start with a {@link RuleFileException} that names the file, the
 * field and what is allowed. The format is documented in {@code cep-rules/README.md}.
 */
public final class RuleFiles {

    /** Where the rule files are inside the job jar: the repository's cep-rules/ at build time. */
    public static final String BUNDLED = "cep-rules/";

    static final String RULE = "rule";
    static final String DESCRIPTION = "description";
    static final String FAMILY = "family";
    static final String SEVERITY = "severity";
    static final String KEY = "key";
    static final String ACTION = "action";
    static final String ENABLED = "enabled";
    private static final List<String> COMMON_FIELDS = List.of(RULE, DESCRIPTION, FAMILY, SEVERITY, KEY, ACTION, ENABLED);
    private static final String SUFFIX = ".yaml";

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private RuleFiles() {}

    /** Every {@code *.yaml} file of the directory, in file-name order; enabled rules only. */
    public static List<RuleSpec> load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new RuleFileException(directory + ": no such directory of rule files");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new RuleFileException(directory + ": cannot list the rule files: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new RuleFileException(directory + ": no *.yaml rule files; the rules are documented in cep-rules/README.md");
        }
        List<RuleSpec> specs = new ArrayList<>();
        for (Path file : files) {
            try {
                parse(file.toString(), Files.readString(file)).ifPresent(specs::add);
            } catch (IOException e) {
                throw new RuleFileException(file + ": cannot read: " + e.getMessage(), e);
            }
        }
        return specs;
    }

    /** The rule files packaged in the job jar, for a deployment that names no rules directory. */
    public static List<RuleSpec> bundled() {
        List<RuleSpec> specs = new ArrayList<>();
        for (String rule : Rules.ids()) {
            String resource = BUNDLED + rule + SUFFIX;
            try (InputStream in = RuleFiles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) {
                    parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)).ifPresent(specs::add);
                }
            } catch (IOException e) {
                throw new RuleFileException(resource + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (specs.isEmpty()) {
            throw new RuleFileException("no rule files are bundled in the job jar; set braid.detect.rules-dir");
        }
        return specs;
    }

    /** One file's text as a validated spec; empty when the file says {@code enabled: false}. */
    public static Optional<RuleSpec> parse(String file, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new RuleFileException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (root == null || !root.isObject()) {
            throw new RuleFileException(file + ": a rule file is a YAML mapping of fields, starting with 'rule: <id>'");
        }
        String rule = text(file, root, RULE, true);
        RuleType type = Rules.type(rule);
        if (type == null) {
            throw new RuleFileException(file + ": field 'rule' is '" + rule + "', which is not a rule; allowed: " + Rules.ids());
        }
        String expectedName = rule + SUFFIX;
        if (!Path.of(file).getFileName().toString().equals(expectedName)) {
            throw new RuleFileException(file + ": the file of rule '" + rule + "' must be named " + expectedName);
        }
        RuleSchema schema = type.schema();
        rejectUnknownFields(file, root, schema);

        String description = text(file, root, DESCRIPTION, true);
        String family = oneOf(file, root, FAMILY, null, new TreeSet<>(schema.families()));
        Severity severity = Severity.valueOf(oneOf(file, root, SEVERITY, null, severities()).toUpperCase(Locale.ROOT));
        String key = oneOf(file, root, KEY, schema.keys().get(0), schema.keys());
        String action = text(file, root, ACTION, true);
        boolean enabled = enabled(file, root);
        Map<String, Long> params = new LinkedHashMap<>();
        schema.params().forEach((name, param) -> params.put(name, param(file, root, name, param)));

        RuleSpec spec = new RuleSpec(rule, file, description, family, severity, key, action, params, schema);
        try {
            type.check(spec);
        } catch (IllegalArgumentException e) {
            throw new RuleFileException(file + ": " + e.getMessage(), e);
        }
        return enabled ? Optional.of(spec) : Optional.empty();
    }

    private static void rejectUnknownFields(String file, JsonNode root, RuleSchema schema) {
        Set<String> allowed = new LinkedHashSet<>(COMMON_FIELDS);
        allowed.addAll(schema.params().keySet());
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new RuleFileException(file + ": field '" + name + "' is not known to rule '" + schema.rule()
                        + "'; allowed: " + allowed);
            }
        }
    }

    private static String text(String file, JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new RuleFileException(file + ": field '" + field + "' is missing");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new RuleFileException(file + ": field '" + field + "' must be non-empty text, got " + node);
        }
        return node.asText().trim();
    }

    private static String oneOf(String file, JsonNode root, String field, String defaultValue, Collection<String> allowed) {
        String value = text(file, root, field, defaultValue == null);
        if (value == null) {
            return defaultValue;
        }
        if (!allowed.contains(value)) {
            throw new RuleFileException(file + ": field '" + field + "' is '" + value + "'; allowed: " + allowed);
        }
        return value;
    }

    private static boolean enabled(String file, JsonNode root) {
        JsonNode node = root.get(ENABLED);
        if (node == null || node.isNull()) {
            return true;
        }
        if (!node.isBoolean()) {
            throw new RuleFileException(file + ": field '" + ENABLED + "' must be true or false, got " + node);
        }
        return node.asBoolean();
    }

    private static long param(String file, JsonNode root, String name, RuleSchema.Param param) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return param.defaultValue();
        }
        long value;
        if (param.duration()) {
            if (!node.isTextual()) {
                throw new RuleFileException(file + ": field '" + name + "' must be " + param.describeBounds() + ", got " + node);
            }
            try {
                Duration duration = TimeUtils.parseDuration(node.asText());
                value = duration.toMillis();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new RuleFileException(file + ": field '" + name + "' must be " + param.describeBounds()
                        + ", got '" + node.asText() + "'", e);
            }
        } else {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw new RuleFileException(file + ": field '" + name + "' must be " + param.describeBounds() + ", got " + node);
            }
            value = node.asLong();
        }
        if (value < param.min() || value > param.max()) {
            throw new RuleFileException(file + ": field '" + name + "' must be " + param.describeBounds() + ", got "
                    + (param.duration() ? "'" + node.asText() + "'" : node.toString()));
        }
        return value;
    }

    private static List<String> severities() {
        return Stream.of(Severity.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
    }
}
