package dev.braid.normalize.redact;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Overwrites secrets with {@code [REDACTED]} while keeping their shape ({@code Authorization:
 * [REDACTED]}, {@code password=[REDACTED]}), so a reader sees that something was there. Applied to
 * every string of every output record, and to the raw bytes of dead letters.
 */
public final class Redactor implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String MASK = "[REDACTED]";

    /** Header names whose whole value is a credential. */
    private static final String SECRET_HEADERS =
            "authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token"
                    + "|x-amz-security-token|x-goog-api-key|api-key";

    /** Field, parameter and form names whose value is a credential. */
    private static final String SECRET_KEYS =
            "password|passwd|pwd|pass|passphrase|secret|client_secret|api_key|apikey|api-key|access_token"
                    + "|refresh_token|id_token|auth_token|token|private_key|secret_key|session_token|sessionid"
                    + "|aws_secret_access_key|aws_session_token|credentials?|signature|x-amz-signature|sig";

    private static final String SECRET_NAMES = SECRET_HEADERS + "|" + SECRET_KEYS;

    /** Names whose value follows a colon in YAML-like text and log messages. */
    private static final String YAML_KEYS =
            "password|passwd|secret|client_secret|api_key|apikey|token|access_token|refresh_token";

    private static final Pattern SECRET_KEY_NAME =
            Pattern.compile("(?i)(?:" + SECRET_NAMES
                    + "|.*(?:password|passwd|secret).*|.*[_.-]token|.*(?:api|access|auth|refresh|session|bearer)[_.-]?token.*)");

    /**
     * Ordered: whole blocks first, then key-value shapes, then bare token shapes. Each rule names
     * words of which a text must hold at least one, ignoring ASCII case, for the rule to match: a
     * necessary condition only, so skipping a rule whose words are absent never changes the result.
     */
    private static final List<Rule> RULES = List.of(
            new Rule("-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\\s\\S]*?-----END \\1PRIVATE KEY-----",
                    "-----BEGIN $1PRIVATE KEY-----" + MASK + "-----END $1PRIVATE KEY-----", "private key-----"),
            // "Authorization": "Bearer x" and "password": "x" inside JSON text, escaped quotes included.
            new Rule("(?i)(\"(?:" + SECRET_NAMES + ")\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")",
                    "$1" + MASK + "$2", words("\"", SECRET_NAMES, "\"")),
            // The same with escaped quotes, as in JSON nested inside a JSON string.
            new Rule("(?i)(\\\\\"(?:" + SECRET_NAMES + ")\\\\\"\\s*:\\s*\\\\\")(?:[^\"\\\\])*(\\\\\")",
                    "$1" + MASK + "$2", words("\\\"", SECRET_NAMES, "\\\"")),
            // What a user typed into a password field, in a recorded user action, in either field order.
            new Rule("(?i)(\"input_?type\"\\s*:\\s*\"password\"[^{}]*?\"value\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")",
                    "$1" + MASK + "$2", "\"password\""),
            new Rule("(?i)(\"value\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\"[^{}]*?\"input_?type\"\\s*:\\s*\"password\")",
                    "$1" + MASK + "$2", "\"password\""),
            // Header lines: Authorization: Basic abc, Cookie: a=b; c=d
            new Rule("(?im)(\\b(?:" + SECRET_HEADERS + ")\\s*:\\s*)(?!\\s*\\[REDACTED\\])[^\\r\\n\"]+",
                    "$1" + MASK, words("", SECRET_HEADERS, "")),
            // key=value in query strings, form bodies, logfmt and shell: password=x&token=y
            new Rule("(?i)(\\b(?:" + SECRET_KEYS + ")=)(?!\\[REDACTED\\])[^&\\s\"',;}\\]]+", "$1" + MASK,
                    words("", SECRET_KEYS, "=")),
            // key: value in YAML-like text and log messages
            new Rule("(?i)(\\b(?:" + YAML_KEYS + ")\\s*:\\s*)(?!\\[REDACTED\\])(?![\"{\\[])[^\\s,;}]+",
                    "$1" + MASK, words("", YAML_KEYS, "")),
            // user:password@ in URLs
            new Rule("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@\"']+:)[^/\\s@\"']+(@)", "$1" + MASK + "$2", "://"),
            new Rule("(?i)\\b(Bearer|Basic|Digest|Token)\\s+(?!\\[REDACTED\\])[A-Za-z0-9._~+/=-]{8,}", "$1 " + MASK,
                    "bearer", "basic", "digest", "token"),
            new Rule("\\beyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*", MASK, "eyj"),
            new Rule("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\\b", MASK,
                    "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "abia", "acca"),
            new Rule("\\bgh[pousr]_[A-Za-z0-9]{30,}\\b", MASK, "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
            new Rule("\\bgithub_pat_[A-Za-z0-9_]{22,}\\b", MASK, "github_pat_"),
            new Rule("\\bglpat-[A-Za-z0-9_-]{20,}", MASK, "glpat-"),
            new Rule("\\bxox[abposr]-[A-Za-z0-9-]{10,}", MASK, "xox"),
            new Rule("\\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\\b", MASK, "k_live_", "k_test_"),
            new Rule("\\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}", MASK, "sk-"),
            new Rule("\\bAIza[0-9A-Za-z_-]{35}\\b", MASK, "aiza"),
            new Rule("\\bnpm_[A-Za-z0-9]{36}\\b", MASK, "npm_"),
            new Rule("\\bSG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}", MASK, "sg."),
            new Rule("\\bhooks\\.slack\\.com/services/[A-Za-z0-9/]+", "hooks.slack.com/services/" + MASK,
                    "hooks.slack.com/services/"));

    /** Finds, in one pass over a text, which rules' words it holds. */
    private static final Anchors ANCHORS = Anchors.of(RULES.stream().map(Rule::words).toList());

    /** Whether a map key names a credential, remembered for the few distinct keys telemetry uses. */
    private static final Map<String, Boolean> SECRET_KEY_NAMES = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED_KEYS = 10_000;

    private record Rule(Pattern pattern, String replacement, String[] words) implements Serializable {
        Rule(String regex, String replacement, String... words) {
            this(Pattern.compile(regex), replacement, words);
        }
    }

    /**
     * The words a text must hold for {@code prefix}, one name of a regex alternation, and
     * {@code suffix} to match: each name, and each with its optional last character ({@code
     * credentials?}) left out, between the prefix and the suffix.
     */
    private static String[] words(String prefix, String alternation, String suffix) {
        return Arrays.stream(alternation.split("\\|"))
                .flatMap(name -> name.endsWith("?")
                        ? Stream.of(name.substring(0, name.length() - 2), name.substring(0, name.length() - 1))
                        : Stream.of(name))
                .map(name -> prefix + name + suffix)
                .toArray(String[]::new);
    }

    /** The text with every secret masked; the same text when it holds none. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        long candidates = ANCHORS.find(text);
        String result = text;
        for (int i = 0; candidates != 0; i++, candidates >>>= 1) {
            if ((candidates & 1) != 0) {
                Rule rule = RULES.get(i);
                Matcher matcher = rule.pattern().matcher(result);
                if (matcher.find()) {
                    result = matcher.replaceAll(rule.replacement());
                }
            }
        }
        return result;
    }

    /**
     * Masks secrets in raw bytes of any encoding. ISO-8859-1 maps every byte to one char and back,
     * so bytes outside the secrets come out unchanged even when they are not valid UTF-8.
     */
    public byte[] redact(byte[] raw) {
        if (raw == null) {
            return null;
        }
        String view = new String(raw, StandardCharsets.ISO_8859_1);
        String redacted = redact(view);
        return redacted.equals(view) ? raw : redacted.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A value whose key names a credential is masked whole; other values are redacted as text. */
    public String redactValue(String key, String value) {
        return namesSecret(key) ? MASK : redact(value);
    }

    private static boolean namesSecret(String key) {
        Boolean secret = SECRET_KEY_NAMES.get(key);
        if (secret == null) {
            secret = SECRET_KEY_NAME.matcher(key).matches();
            if (SECRET_KEY_NAMES.size() < MAX_REMEMBERED_KEYS) {
                SECRET_KEY_NAMES.put(key, secret);
            }
        }
        return secret;
    }

    /** Redacts every string, map value and string list of an Avro record, nested records included. */
    public void redactRecord(SpecificRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            Object redacted = redactAny(value);
            if (redacted != value) {
                record.put(field.pos(), redacted);
            }
        }
    }

    private Object redactAny(Object value) {
        if (value instanceof CharSequence text) {
            String s = text.toString();
            String r = redact(s);
            return r.equals(s) ? value : r;
        }
        if (value instanceof SpecificRecord nested) {
            redactRecord(nested);
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return redactMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(redactAny(item)));
            return copy;
        }
        return value;
    }

    /** The map itself when nothing in it changed, else a copy in the same order with the masks. */
    private Map<?, ?> redactMap(Map<?, ?> map) {
        Object[] values = new Object[map.size()];
        boolean changed = false;
        int i = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object value = entry.getValue();
            values[i] = value instanceof CharSequence text
                    ? redactValue(entry.getKey().toString(), text.toString()) : redactAny(value);
            changed |= values[i] != value && !values[i].equals(value.toString());
            i++;
        }
        if (!changed) {
            return map;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        i = 0;
        for (Object key : map.keySet()) {
            copy.put(key.toString(), values[i++]);
        }
        return copy;
    }
}
