package dev.braid.detect.rules;

import java.io.Serializable;

/** A kind of detection rule Braid implements; its file in cep-rules/ configures it. */
public interface RuleType extends Serializable {

    /** What the rule's file may contain. */
    RuleSchema schema();

    /** Checks that span parameters; throws {@link IllegalArgumentException} naming the fields. */
    default void check(RuleSpec spec) {}
}
