package dev.braid.detect.cep;

import dev.braid.detect.functions.MatchRuns;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RunDetector;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Runs a {@link RunDetector} on the event stream in event time. The operators keep the uids the
 * released CEP operators of the same rule had, {@code detect-<rule>-<detector>-select} and
 * {@code -match}, so a released savepoint's partial runs carry on in {@link ResumingOperator}.
 */
public final class RunDetection {

    private RunDetection() {}

    public static DataStream<Finding> run(ObservedEvents events, String rule, RunDetector detector) {
        String uid = CepDetection.uid(rule, detector.name());
        KeyedStream<NormalizedEvent, String> keyed = events
                .select(detector::selects, uid + "-select", rule + " " + detector.name() + " events")
                .keyBy(detector::key, Types.STRING);
        return keyed.transform(rule + " " + detector.name(), new AvroTypeInfo<>(Finding.class),
                        new ResumingOperator(new MatchRuns(detector), keyed.getType().createSerializer(keyed.getExecutionConfig().getSerializerConfig())))
                .uid(uid + "-match");
    }
}
