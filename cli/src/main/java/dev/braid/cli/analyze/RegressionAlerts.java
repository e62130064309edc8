package dev.braid.cli.analyze;

import dev.braid.cli.Brokers;
import dev.braid.cli.KafkaOptions;
import dev.braid.cli.UserError;
import dev.braid.detect.DetectJob;
import dev.braid.detect.baseline.Regression;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;

import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes regressions as OPEN alerts of the {@code baseline-regression} rule on the regressions
 * topic, encoded and keyed as the detect job's alerts are, so that alert consumers need nothing new.
 * The alert id is derived from the baseline and subject: publishing the same analysis twice gives
 * the same ids.
 */
final class RegressionAlerts {

    private static final int MAX_TRACES = 20;

    private RegressionAlerts() {}

    static int publish(KafkaOptions kafka, RuleSpec rule, Comparison comparison) throws InterruptedException {
        String topic = kafka.topics().alerts(AlertFamily.REGRESSIONS);
        Properties client = kafka.clientProperties();
        Brokers.requireTopics(client, List.of(topic));
        AvroSerializationSchema<Alert> encoding = AvroSerializationSchema.forSpecific(Alert.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Brokers.reliableProducer(client),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (Regression regression : comparison.regressions()) {
                Alert alert = alert(rule, comparison.baseline().name(), regression);
                sent.add(producer.send(new ProducerRecord<>(topic, null, alert.getLastEventTime().toEpochMilli(),
                        DetectJob.alertKey(alert).getBytes(StandardCharsets.UTF_8), encoding.serialize(alert))));
            }
            for (Future<?> each : sent) {
                each.get();
            }
            return sent.size();
        } catch (ExecutionException e) {
            throw new UserError("publishing regressions to " + topic + " failed: " + e.getCause().getMessage(), e);
        }
    }

    static Alert alert(RuleSpec rule, String baseline, Regression regression) {
        Map<String, String> details = new LinkedHashMap<>(regression.evidence());
        details.put("baseline", baseline);
        details.put("kind", regression.kind().name());
        String evidence = String.join("; ", regression.evidence().entrySet().stream()
                .map(fact -> fact.getKey() + " " + fact.getValue()).toList());
        return Alert.newBuilder()
                .setId(UUID.nameUUIDFromBytes((baseline + '|' + regression.subject() + '|' + regression.kind())
                        .getBytes(StandardCharsets.UTF_8)).toString())
                .setRule(rule.rule())
                .setFamily(AlertFamily.REGRESSIONS)
                .setSeverity(rule.severity())
                .setStatus(AlertStatus.OPEN)
                .setRevision(1)
                .setKey(regression.subject())
                .setFirstEventTime(regression.firstTime())
                .setLastEventTime(regression.lastTime())
                .setEvidenceEventIds(regression.eventIds())
                .setRelatedTraceIds(regression.traceIds().subList(0, Math.min(MAX_TRACES, regression.traceIds().size())))
                .setMessage(regression.summary())
                .setSuggestedAction(rule.action(regression.subject(), Map.of("baseline", baseline, "evidence", evidence)))
                .setDetails(details)
                .build();
    }
}
