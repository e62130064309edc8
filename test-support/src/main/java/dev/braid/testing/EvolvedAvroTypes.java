package dev.braid.testing;

import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.compiler.specific.SpecificCompiler.FieldVisibility;
import org.apache.avro.generic.GenericData.StringType;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Avro state types as a later release would have them: the schema with a field added, generated
 * and compiled the way {@code schemas/pom.xml} builds the real ones, into a folder of their own.
 * Put the folder first on a job's class path (Flink's child-first user-code class loader) and the
 * job sees the evolved classes under the released names.
 *
 * <p>One line of the generated code changes. A release has one class per name, but here the
 * released classes stay visible to Avro's own class loader, through which a generated class's
 * model looks up the record classes it instantiates: it would build released records. The copies
 * look them up through their own class loader instead, which finds the evolved ones, as a
 * release's single set of classes does.
 */
public final class EvolvedAvroTypes {

    private static final String GENERATED_MODEL = "MODEL$ = new SpecificData();";
    private static final String OWN_LOADER_MODEL =
            "MODEL$ = new SpecificData(java.lang.invoke.MethodHandles.lookup().lookupClass().getClassLoader());";

    private EvolvedAvroTypes() {}

    /** The record with one more field appended: optional, a union of null and string, null by default. */
    public static Schema withOptionalField(Schema record, String field) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field existing : record.getFields()) {
            fields.add(new Schema.Field(existing, existing.schema()));
        }
        Schema optionalString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        fields.add(new Schema.Field(field, optionalString, "Added by a later release.", Schema.Field.NULL_DEFAULT_VALUE));
        Schema evolved = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
        record.getObjectProps().forEach(evolved::addProp);
        return evolved;
    }

    /**
     * Generates the SpecificRecord classes of the schemas (and of the records they name) with the
     * build's settings, compiles them under {@code workDir}, and returns the classes' folder as a
     * class-path URL.
     */
    public static URL compile(List<Schema> schemas, Path workDir) {
        try {
            Path sources = Files.createDirectories(workDir.resolve("sources"));
            Path classes = Files.createDirectories(workDir.resolve("classes"));
            for (Schema schema : schemas) {
                SpecificCompiler compiler = new SpecificCompiler(schema);
                compiler.setStringType(StringType.String);
                compiler.setFieldVisibility(FieldVisibility.PRIVATE);
                compiler.setEnableDecimalLogicalType(true);
                compiler.compileToDestination(null, sources.toFile());
            }
            List<String> arguments = new ArrayList<>(List.of(
                    "-d", classes.toString(), "-classpath", avroJar(), "--release", "17", "-nowarn"));
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(file -> file.toString().endsWith(".java")).toList()) {
                    resolveThroughOwnLoader(file);
                    arguments.add(file.toString());
                }
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("no Java compiler: run the tests on a JDK, not a JRE");
            }
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            if (javac.run(null, null, errors, arguments.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("the evolved types did not compile:\n" + errors.toString(StandardCharsets.UTF_8));
            }
            return classes.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void resolveThroughOwnLoader(Path source) throws IOException {
        String code = Files.readString(source);
        if (!code.contains(GENERATED_MODEL)) {
            throw new IllegalStateException(source + " has no '" + GENERATED_MODEL + "': the Avro compiler's template changed");
        }
        Files.writeString(source, code.replace(GENERATED_MODEL, OWN_LOADER_MODEL));
    }

    /** The generated code needs only Avro itself. */
    private static String avroJar() {
        try {
            return Path.of(SpecificRecordBase.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the Avro jar", e);
        }
    }
}
