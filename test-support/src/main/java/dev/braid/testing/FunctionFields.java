package dev.braid.testing;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

import java.lang.reflect.Field;

/**
 * A private field of the user function a harness runs, for what neither its output nor the harness
 * shows: a counter of a harness without metrics, or keyed state laid out as an older release kept it.
 */
public final class FunctionFields {

    private FunctionFields() {}

    @SuppressWarnings("unchecked")
    public static <T> T of(AbstractStreamOperatorTestHarness<?> harness, String name) {
        Object function = ((AbstractUdfStreamOperator<?, ?>) harness.getOperator()).getUserFunction();
        try {
            Field field = function.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return (T) field.get(function);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(function.getClass().getSimpleName() + " has no field " + name, e);
        }
    }

    /** The field with the operator's current key set to {@code key}: keyed state then reads and writes that key's. */
    public static <T> T ofKey(AbstractStreamOperatorTestHarness<?> harness, Object key, String name) {
        ((AbstractStreamOperator<?>) harness.getOperator()).setCurrentKey(key);
        return of(harness, name);
    }
}
