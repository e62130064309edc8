package dev.braid.detect.cep;

import dev.braid.detect.functions.CountLateEvents;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.Clearing;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.PatternDetector;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.List;
import java.util.Map;

/** Runs a {@link PatternDetector} on the event stream in event time, with stable uids. */
public final class CepDetection {

    private CepDetection() {}

    /** The uid prefix of one detector's operators: {@code detect-<rule>-<detector>}. */
    public static String uid(String rule, String detector) {
        return "detect-" + rule + "-" + detector;
    }

    public static <OUT> DataStream<OUT> run(
            ObservedEvents events, String rule, PatternDetector<OUT> detector, TypeInformation<OUT> type) {
        Pattern<NormalizedEvent, ?> pattern = detector.pattern();
        if (pattern.getWindowSize().isEmpty()) {
            throw new IllegalStateException(rule + "/" + detector.name() + ": a pattern without within() keeps partial matches forever");
        }
        String uid = uid(rule, detector.name());
        KeyedStream<NormalizedEvent, String> keyed = events
                .select(detector::selects, uid + "-select", rule + " " + detector.name() + " events")
                .keyBy(detector::key, Types.STRING);
        TypeSerializer<NormalizedEvent> serializer =
                keyed.getType().createSerializer(keyed.getExecutionConfig().getSerializerConfig());
        OutputTag<NormalizedEvent> late = lateEvents(keyed.getType());
        SingleOutputStreamOperator<OUT> matches =
                keyed.transform(rule + " " + detector.name(), type, operator(detector, serializer, late)).uid(uid + "-match");
        matches.getSideOutput(late)
                .process(new CountLateEvents(), Types.VOID).uid(uid + "-late").name(rule + " " + detector.name() + " late events");
        return matches;
    }

    /** The side output of the events a CEP operator receives behind the watermark. */
    public static OutputTag<NormalizedEvent> lateEvents(TypeInformation<NormalizedEvent> type) {
        return new OutputTag<>("late-events", type);
    }

    /**
     * The event-time CEP operator of one detector: what {@code CEP.pattern(..).inEventTime().process(..)}
     * builds, built here so that its tests run the very operator the job runs. Events behind the
     * watermark go to {@code late}, where the job counts them.
     */
    public static <OUT> CepOperator<NormalizedEvent, String, OUT> operator(
            PatternDetector<OUT> detector, TypeSerializer<NormalizedEvent> serializer, OutputTag<NormalizedEvent> late) {
        Pattern<NormalizedEvent, ?> pattern = detector.pattern();
        return new CepOperator<>(serializer, false, NFACompiler.compileFactory(pattern, false), null,
                pattern.getAfterMatchSkipStrategy(), new MatchHandler<>(detector), late);
    }

    /** Turns the events that end a rule's situation into CLEAR findings; stateless. */
    public static DataStream<Finding> clear(ObservedEvents events, String rule, Clearing clearing) {
        return events.flatMap((NormalizedEvent event, Collector<Finding> out) -> {
            String key = clearing.clears(event);
            if (key != null) {
                out.collect(Findings.clear(rule, key, event, clearing.message(event)));
            }
        }, new AvroTypeInfo<>(Finding.class), uid(rule, clearing.name()) + "-clear", rule + " " + clearing.name());
    }

    /** Hands each match to the detector. */
    private static final class MatchHandler<OUT> extends PatternProcessFunction<NormalizedEvent, OUT> {

        private static final long serialVersionUID = 1L;

        private final PatternDetector<OUT> detector;

        MatchHandler(PatternDetector<OUT> detector) {
            this.detector = detector;
        }

        @Override
        public void processMatch(Map<String, List<NormalizedEvent>> match, Context ctx, Collector<OUT> out) {
            OUT result = detector.onMatch(match);
            if (result != null) {
                out.collect(result);
            }
        }
    }
}
