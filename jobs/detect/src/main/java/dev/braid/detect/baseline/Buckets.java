package dev.braid.detect.baseline;

import java.io.Serializable;

/** Width and number of the recent event-time buckets a {@code Series} keeps. */
record Buckets(long widthMillis, int count) implements Serializable {}
