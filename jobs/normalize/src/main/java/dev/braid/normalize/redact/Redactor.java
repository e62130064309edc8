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
                    + "|x-amz-security-token|x-goog-api-key|api-key|private-token|x-vault-token"
                    + "|x-shopify-access-token|ocp-apim-subscription-key";

    /** Field, parameter and form names whose value is a credential. */
    private static final String SECRET_KEYS =
            "password|passwd|pwd|pass|passphrase|secret|client_secret|api_key|apikey|api-key|access_token"
                    + "|refresh_token|id_token|auth_token|token|private_key|secret_key|session_token|sessionid"
                    + "|aws_secret_access_key|aws_session_token|credentials?|signature|x-amz-signature|sig"
                    + "|accountkey|sharedaccesskey|_authtoken|_auth";

    private static final String SECRET_NAMES = SECRET_HEADERS + "|" + SECRET_KEYS;

    /** Endings of variable names whose value is a credential: DB_PASSWORD, GITHUB_TOKEN, PGPASSWORD. */
    private static final String SECRET_SUFFIXES = "password|passwd|secret|token|apikey|api_key|privatekey|private_key";

    /** Names whose value follows a colon in YAML-like text and log messages. */
    private static final String YAML_KEYS =
            "password|passwd|secret|client_secret|api_key|apikey|token|access_token|refresh_token";

    private static final Pattern SECRET_KEY_NAME =
            Pattern.compile("(?i)(?:" + SECRET_NAMES
                    + "|.*(?:password|passwd|secret).*|.*[_.-]token|.*(?:api|access|auth|refresh|session|bearer)[_.-]?token.*)");

    /**
     * Where a name or token starts: at a word boundary, or after an escaped newline or tab, as in
     * JSON text ({@code "a\\npassword: x"}), where no boundary separates it from the escape's letter.
     */
    private static final String START = "(?:(?<=\\\\[nrt])|\\b)";

    /**
     * A bare value: up to a separator, a quote or an escape of JSON text ({@code \\n}, {@code \\"}).
     * Every repeated group here and below takes runs possessively: Java's matcher recurses once per
     * repetition of a group, and a value of a few thousand characters overflowed the stack.
     */
    private static final String VALUE = "(?:[^&\\s\"',;}\\]\\\\]++|\\\\(?![nrt\"\\\\]))++";

    /**
     * Ordered: whole blocks first, then key-value shapes, then bare token shapes. Each rule names
     * words of which a text must hold at least one, ignoring ASCII case, for the rule to match: a
     * necessary condition only, so skipping a rule whose words are absent never changes the result.
     */
    private static final List<Rule> RULES = List.of(
            new Rule("-----BEGIN ([A-Z ]*)PRIVATE KEY((?: BLOCK)?)-----[\\s\\S]*?-----END \\1PRIVATE KEY\\2-----",
                    "-----BEGIN $1PRIVATE KEY$2-----" + MASK + "-----END $1PRIVATE KEY$2-----", "private key"),
            // A key cut off before its END line, as in a truncated log line: its body's lines up to the cut.
            new Rule("(-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----)(?!\\[REDACTED\\])"
                    + "(?:(?:\\\\n|\\s)++[A-Za-z0-9+/=]++(?=\\\\n|\\s|\"|$))++",
                    "$1" + MASK, "private key"),
            // "Authorization": "Bearer x" and "password": "x" inside JSON text, escaped quotes included.
            new Rule("(?i)(\"(?:" + SECRET_NAMES + ")\"\\s*:\\s*\")(?:[^\"\\\\]++|\\\\.)*+(\")",
                    "$1" + MASK + "$2", words("\"", SECRET_NAMES, "\"")),
            // The same with escaped quotes, as in JSON nested inside a JSON string, at any depth.
            new Rule("(?i)((\\\\+)\"(?:" + SECRET_NAMES + ")\\2\"\\s*:\\s*\\2\")[^\"\\\\]*(\\2\")",
                    "$1" + MASK + "$3", words("\\\"", SECRET_NAMES, "\\")),
            // What a user typed into a password field, in a recorded user action, in either field order,
            // its quotes escaped as often as the JSON is nested.
            new Rule("(?i)((\\\\*)\"input_?type\\2\"\\s*:\\s*\\2\"password\\2\"[^{}]*?\\2\"value\\2\"\\s*:\\s*\\2\")"
                    + "(?:[^\"\\\\]++|(?!\\2\")\\\\.)*+(\\2\")", "$1" + MASK + "$3", "\"password"),
            new Rule("(?i)((\\\\*)\"value\\2\"\\s*:\\s*\\2\")(?:[^\"\\\\]++|(?!\\2\")\\\\.)*+"
                    + "(\\2\"[^{}]*?\\2\"input_?type\\2\"\\s*:\\s*\\2\"password\\2\")", "$1" + MASK + "$3", "\"password"),
            // Header lines: Authorization: Basic abc, Cookie: a=b; c=d
            new Rule("(?im)(" + START + "(?:" + SECRET_HEADERS + ")\\s*:\\s*)(?!\\s*\\[REDACTED\\])[^\\r\\n\"]+",
                    "$1" + MASK, words("", SECRET_HEADERS, "")),
            // key=value in query strings, form bodies, logfmt and shell: password=x&token=y
            new Rule("(?i)(" + START + "(?:" + SECRET_KEYS + ")=)(?!\\[REDACTED\\])" + VALUE, "$1" + MASK,
                    words("", SECRET_KEYS, "=")),
            // Quoted values: password="x" in a JAAS configuration, export DB_PASSWORD='it''s' in a shell;
            // the value ends at the quote it opened with, escaped as often as the text around it.
            new Rule("(?i)(" + START + "(?:[a-z0-9_.-]{0,64}?(?:" + SECRET_SUFFIXES + ")|" + SECRET_KEYS + ")\\s*=\\s*)(\\\\*)([\"'])"
                    + "(?!\\[REDACTED\\])(?:[^\"'\\\\\\r\\n]++|(?!\\2\\3)(?:\\\\[^\\r\\n]|[\"']))*+(\\2\\3)",
                    "$1$2$3" + MASK + "$4", words("", SECRET_SUFFIXES + "|" + SECRET_KEYS, "")),
            // Variables named for a credential: DB_PASSWORD=x, GITHUB_TOKEN=x, PGPASSWORD=x.
            new Rule("(?i)(" + START + "[a-z0-9_]{0,64}?(?:" + SECRET_SUFFIXES + ")=)(?!\\[REDACTED\\])" + VALUE, "$1" + MASK,
                    words("", SECRET_SUFFIXES, "=")),
            // machine host login user password secret, as in a .netrc
            new Rule("(?i)(" + START + "machine\\s+\\S+\\s+login\\s+\\S+\\s+password\\s+)\\S+", "$1" + MASK, "machine"),
            // key: value in YAML-like text and log messages
            new Rule("(?i)(" + START + "(?:" + YAML_KEYS + ")\\s*:\\s*)(?!\\[REDACTED\\])(?![\"{\\[])" + VALUE,
                    "$1" + MASK, words("", YAML_KEYS, "")),
            // user:password@ in URLs, and :password@ without a user as Redis takes it
            // (A scheme starts where no scheme character precedes it: starting at every boundary
            // inside a run like a.b.c rescanned the run from each, in time square to its length.)
            new Rule("(?i)((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*+://[^/\\s:@\"']*+:)[^/\\s@\"']++(@)", "$1" + MASK + "$2", "://"),
            // A credential holds a digit or a base64 symbol, or is longer than most words: "Basic
            // authentication failed" is no credential.
            new Rule("(?i)" + START + "(Bearer|Basic|Digest|Token)\\s+(?!\\[REDACTED\\])"
                    + "(?=[A-Za-z._~-]*[0-9+/=]|[A-Za-z0-9._~+/=-]{16})[A-Za-z0-9._~+/=-]{8,}",
                    "$1 " + MASK,
                    "bearer", "basic", "digest", "token"),
            new Rule(START + "eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*", MASK, "eyj"),
            new Rule(START + "(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\\b", MASK,
                    "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "abia", "acca"),
            new Rule(START + "gh[pousr]_[A-Za-z0-9]{30,}\\b", MASK, "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
            new Rule(START + "github_pat_[A-Za-z0-9_]{22,}\\b", MASK, "github_pat_"),
            new Rule(START + "gl(?:pat|dt|rt|ptt|cbt|ft|imt|soat|oas)-[A-Za-z0-9_-]{20,}", MASK,
                    "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glimt-", "glsoat-", "gloas-"),
            new Rule(START + "GR1348941[A-Za-z0-9_-]{20,}", MASK, "gr1348941"),
            new Rule(START + "xox[abposre]-[A-Za-z0-9-]{10,}", MASK, "xox"),
            new Rule(START + "xapp-\\d-[A-Za-z0-9-]{20,}", MASK, "xapp-"),
            new Rule(START + "[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\\b", MASK, "k_live_", "k_test_"),
            new Rule(START + "whsec_[A-Za-z0-9+/=]{24,}", MASK, "whsec_"),
            new Rule(START + "sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}", MASK, "sk-"),
            new Rule(START + "AIza[0-9A-Za-z_-]{35}\\b", MASK, "aiza"),
            new Rule(START + "npm_[A-Za-z0-9]{36}\\b", MASK, "npm_"),
            new Rule(START + "SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}", MASK, "sg."),
            new Rule(START + "hooks\\.slack\\.com/services/[A-Za-z0-9/]+", "hooks.slack.com/services/" + MASK,
                    "hooks.slack.com/services/"),
            new Rule(START + "hf_[A-Za-z0-9]{30,}\\b", MASK, "hf_"),
            new Rule(START + "pypi-AgE[A-Za-z0-9_-]{50,}", MASK, "pypi-age"),
            new Rule(START + "dckr_pat_[A-Za-z0-9_-]{20,}", MASK, "dckr_pat_"),
            new Rule(START + "shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\\b", MASK, "shpat_", "shpss_", "shpca_", "shppa_"),
            new Rule(START + "ya29\\.[0-9A-Za-z_-]{20,}", MASK, "ya29."),
            new Rule(START + "GOCSPX-[A-Za-z0-9_-]{24,}", MASK, "gocspx-"),
            new Rule(START + "hv[sb]\\.[A-Za-z0-9_-]{24,}", MASK, "hvs.", "hvb."),
            new Rule(START + "do[por]_v1_[a-f0-9]{64}\\b", MASK, "dop_v1_", "doo_v1_", "dor_v1_"),
            new Rule(START + "sntry[su]_[A-Za-z0-9_=+/-]{30,}", MASK, "sntrys_", "sntryu_"),
            new Rule(START + "NRAK-[A-Z0-9]{27}\\b", MASK, "nrak-"),
            new Rule(START + "PMAK-[a-f0-9]{24}-[a-f0-9]{34}\\b", MASK, "pmak-"),
            new Rule(START + "gl(?:sa|c)_[A-Za-z0-9+/=_]{32,}", MASK, "glsa_", "glc_"),
            new Rule(START + "lin_api_[A-Za-z0-9]{40}\\b", MASK, "lin_api_"),
            new Rule(START + "ATATT3[A-Za-z0-9_=-]{50,}", MASK, "atatt3"),
            new Rule(START + "AGE-SECRET-KEY-1[0-9A-Z]{58}\\b", MASK, "age-secret-key-1"),
            new Rule(START + "dapi[a-f0-9]{32}(?:-\\d)?\\b", MASK, "dapi"),
            // A Telegram bot token, also where it follows "bot" in the API's URLs.
            new Rule("(?<![0-9])\\d{8,10}:AA[0-9A-Za-z_-]{33}\\b", MASK, ":aa"),
            new Rule(START + "(?:gsk|r8)_[A-Za-z0-9]{36,}\\b", MASK, "gsk_", "r8_"),
            new Rule(START + "dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,}", MASK, "dp.pt.", "dp.st.", "dp.sa.", "dp.ct.",
                    "dp.scim.", "dp.audit."),
            new Rule(START + "sq0(?:atp|csp)-[0-9A-Za-z_-]{22,}", MASK, "sq0atp-", "sq0csp-"),
            new Rule(START + "[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}", MASK, "q~"),
            new Rule(START + "HRKU-[A-Za-z0-9_-]{60}", MASK, "hrku-"),
            new Rule(START + "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}", MASK, ".atlasv1."),
            new Rule(START + "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,}", MASK, "pscale_"));

    /** Each pass masks at least one more secret; a real text holds still after the second. */
    private static final int MAX_PASSES = 4;

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
        // A mask can set a secret free that a neighbour hid ("xoxb-1..._auth=x": the token ran into
        // the name), so a text that changed is passed again until it holds still.
        String result = text;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            String masked = pass(result);
            if (masked.equals(result)) {
                return result;
            }
            result = masked;
        }
        return result;
    }

    private static String pass(String text) {
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

    /**
     * A value whose key names a credential is masked whole; other values are redacted as text. The
     * key is judged whole and by its last dotted part, since attributes reach metadata under a
     * namespace: {@code attr.http.request.header.cookie}, {@code resource.api_key}.
     */
    public String redactValue(String key, String value) {
        return namesSecret(key) ? MASK : redact(value);
    }

    /** Whether a key names a credential, judged whole and by its last dotted part. */
    public static boolean namesSecret(String key) {
        Boolean secret = SECRET_KEY_NAMES.get(key);
        if (secret == null) {
            String lastPart = key.substring(key.lastIndexOf('.') + 1);
            secret = SECRET_KEY_NAME.matcher(key).matches() || SECRET_KEY_NAME.matcher(lastPart).matches();
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
