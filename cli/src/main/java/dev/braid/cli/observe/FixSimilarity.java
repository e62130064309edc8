package dev.braid.cli.observe;

import dev.braid.detect.baseline.ErrorSignatures;
import dev.braid.schema.Fix;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How well a past fix answers an error: 1 when the error's signature, or the text as a task
 * signature, is the fix's; else the overlap (Jaccard) of the words of the two error signatures,
 * so that "Cannot read properties of undefined (reading 'id')" finds the fix of "... (reading 'name')".
 */
final class FixSimilarity {

    private final String query;
    private final String querySignature;
    private final Set<String> queryWords;

    FixSimilarity(String errorOrSignature) {
        this.query = errorOrSignature.strip();
        this.querySignature = ErrorSignatures.of(query);
        this.queryWords = words(querySignature);
    }

    double score(Fix fix) {
        String fixSignature = ErrorSignatures.of(fix.getError());
        if (query.equals(fix.getSignature()) || querySignature.equals(fixSignature) || query.equals(fixSignature)) {
            return 1.0;
        }
        return Math.max(jaccard(queryWords, words(fixSignature)), jaccard(queryWords, words(fix.getSignature())));
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return (double) common.size() / (a.size() + b.size() - common.size());
    }

    /** Lower-case words and placeholders; punctuation only separates them. */
    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}<>_]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
