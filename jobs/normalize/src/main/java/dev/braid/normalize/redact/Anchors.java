package dev.braid.normalize.redact;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds in one pass which of up to 64 word sets a text touches, ignoring ASCII case as the
 * redaction patterns' {@code (?i)} does. Words are indexed by their first two characters, so a
 * position whose pair starts no word costs one array read.
 */
final class Anchors {

    private static final int PAIRS = 128 * 128;

    /** For each pair of lower-case ASCII characters, the words that start with it and their sets. */
    private final Word[][] byPair = new Word[PAIRS][];

    private record Word(String lowerCase, long sets) {}

    private Anchors(Map<String, Long> words) {
        Map<Integer, List<Word>> grouped = new LinkedHashMap<>();
        words.forEach((word, sets) -> grouped.computeIfAbsent(pair(word.charAt(0), word.charAt(1)), p -> new ArrayList<>())
                .add(new Word(word, sets)));
        grouped.forEach((pair, list) -> byPair[pair] = list.toArray(Word[]::new));
    }

    /** @param sets the words of each set; set {@code i} is bit {@code i} of {@link #find}'s answer */
    static Anchors of(List<String[]> sets) {
        if (sets.size() > Long.SIZE) {
            throw new IllegalArgumentException("at most 64 word sets, not " + sets.size());
        }
        Map<String, Long> words = new LinkedHashMap<>();
        for (int i = 0; i < sets.size(); i++) {
            for (String word : sets.get(i)) {
                if (word.length() < 2 || !word.chars().allMatch(c -> c < 128)) {
                    throw new IllegalArgumentException("an anchor word needs two or more ASCII characters: " + word);
                }
                words.merge(word.toLowerCase(Locale.ROOT), 1L << i, (a, b) -> a | b);
            }
        }
        return new Anchors(words);
    }

    /** The sets of which the text holds at least one word, as bits. */
    long find(String text) {
        long found = 0;
        int last = text.length() - 1;
        for (int i = 0; i < last; i++) {
            char first = text.charAt(i);
            char second = text.charAt(i + 1);
            if (first >= 128 || second >= 128) {
                continue;
            }
            Word[] words = byPair[pair(first, second)];
            if (words != null) {
                for (Word word : words) {
                    if ((found & word.sets()) != word.sets() && text.regionMatches(true, i, word.lowerCase(), 0, word.lowerCase().length())) {
                        found |= word.sets();
                    }
                }
            }
        }
        return found;
    }

    private static int pair(char first, char second) {
        return lower(first) * 128 + lower(second);
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
