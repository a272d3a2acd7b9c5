package attnscope.toy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A toy example file: one {@code name = value} per line, {@code #} starts a comment.
 *
 * <pre>
 * kind   = handout
 * tokens = the cat chases the
 * query  = 2 3
 * keys   = 1 0; 3 1; 0 3; 2 0
 * values = 0 0; 4 1; 2 2; 0 0
 * </pre>
 *
 * A vector is numbers separated by spaces or commas; a matrix is rows separated by {@code ;}.
 * Where masked scores are allowed, {@code -inf} stands for −∞. Parsing is strict: a number is
 * written in decimal ({@code 2}, {@code -0.5}, {@code 1e-3}); "NaN", "Infinity" and words are
 * refused with a message naming the field (and the line, for files).
 */
public final class ToyInput {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    /**
     * The largest |number| the toy takes. It writes out hand-sized arithmetic; beyond this the
     * products and sums it prints (d·x² for a score, e^score, weights × values) can overflow to ∞
     * and NaN, and a toy that printed "undefined" for every weight would teach nothing.
     */
    public static final double MAX_MAGNITUDE = 1e6;
    /**
     * The smallest |number| other than 0 the toy takes: it writes numbers with four decimals, so a
     * smaller one would print as 0 while it computes with it ("0 ÷ 0 = 0.1000").
     */
    public static final double MIN_MAGNITUDE = 1e-4;
    /** The most tokens (and rows of a matrix, and numbers in a vector) the toy takes: it prints every number. */
    public static final int MAX_ENTRIES = 64;

    private final String source;
    private final Map<String, String> values;
    private final Map<String, Integer> lines;
    /** Fields given on the command line over a file's: messages name the option, not the file. */
    private final java.util.Set<String> fromOptions;

    private ToyInput(String source, Map<String, String> values, Map<String, Integer> lines) {
        this(source, values, lines, java.util.Set.of());
    }

    private ToyInput(String source, Map<String, String> values, Map<String, Integer> lines, java.util.Set<String> fromOptions) {
        this.source = source;
        this.values = values;
        this.lines = lines;
        this.fromOptions = fromOptions;
    }

    /** Parses the text of an example file; {@code source} names it in messages. */
    public static ToyInput parse(String source, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        // A byte-order mark (some Windows editors write one) is not part of the first field's name.
        String[] all = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\\R", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new InvalidToyInputException(source + ":" + (i + 1) + ": expected `name = value` but found \"" + line + "\"");
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new InvalidToyInputException(source + ":" + (i + 1) + ": \"" + name + "\" is not a field name");
            }
            if (values.containsKey(name)) {
                throw new InvalidToyInputException(source + ":" + (i + 1) + ": \"" + name + "\" is given twice (first on line "
                        + lines.get(name) + ")");
            }
            values.put(name, line.substring(eq + 1).strip());
            lines.put(name, i + 1);
        }
        return new ToyInput(source, values, lines);
    }

    /** The same fields, built from command-line options (names as in the file format). */
    public static ToyInput ofOptions(Map<String, String> fields) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        return new ToyInput("options", new LinkedHashMap<>(fields), lines);
    }

    /** The names of the examples shipped with attnscope, in teaching order. */
    public static final List<String> BUILT_IN = List.of("handout", "self-attention", "matrix", "causal", "causal-slide", "heads");

    /** The text of a shipped example file, or null when there is none of that name. */
    public static String builtInText(String name) {
        try (java.io.InputStream in = ToyInput.class.getResourceAsStream("/examples/toy/" + name + ".txt")) {
            return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One of the examples shipped with attnscope ({@code examples/toy/NAME.txt} on the classpath). */
    public static ToyInput builtIn(String name) {
        String text = builtInText(name);
        if (text == null) {
            throw new IllegalStateException("the built-in example examples/toy/" + name + ".txt is missing from the jar");
        }
        return parse("built-in " + name + ".txt", text);
    }

    public String source() {
        return source;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * This input with {@code name} set to {@code value} when the user gave it on the command line,
     * or unchanged when {@code value} is null (the option was not given): options override a file.
     */
    public ToyInput overriddenWith(String name, String value) {
        if (value == null) {
            return this;
        }
        ToyInput in = with(name, value);
        java.util.Set<String> options = new java.util.HashSet<>(fromOptions);
        options.add(name);
        return new ToyInput(in.source, in.values, in.lines, java.util.Set.copyOf(options));
    }

    public ToyInput with(String name, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, Integer> l = new LinkedHashMap<>(lines);
        v.put(name, value);
        l.remove(name);
        return new ToyInput(source, v, l, fromOptions);
    }

    public String text(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new InvalidToyInputException(source + ": the field \"" + name + "\" is missing");
        }
        return v;
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public List<String> tokens(String name) {
        return tokens(where(name), text(name));
    }

    public double[] vector(String name) {
        return vector(where(name), text(name), false);
    }

    public double[][] matrix(String name) {
        return matrix(where(name), text(name), false);
    }

    /** A matrix whose entries may be {@code -inf} (masked scores). */
    public double[][] maskedMatrix(String name) {
        return matrix(where(name), text(name), true);
    }

    public int integer(String name, int fallback) {
        if (!has(name)) {
            return fallback;
        }
        String t = text(name);
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new InvalidToyInputException(where(name) + ": expected a whole number but found \"" + t + "\"");
        }
    }

    public boolean flag(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        String t = Fmt.lower(text(name));
        if (t.equals("true") || t.equals("yes")) {
            return true;
        }
        if (t.equals("false") || t.equals("no")) {
            return false;
        }
        throw new InvalidToyInputException(where(name) + ": expected true or false but found \"" + text(name) + "\"");
    }

    /** "file:line: name" or "name", for messages. */
    public String where(String name) {
        if (fromOptions.contains(name)) {
            return "--" + name;
        }
        Integer line = lines.get(name);
        return line == null ? (source.equals("options") ? name : source + ": " + name) : source + ":" + line + ": " + name;
    }

    /** Tokens separated by spaces or commas. */
    public static List<String> tokens(String where, String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.strip().split("[\\s,]+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidToyInputException(where + ": expected at least one token but found none");
        }
        if (out.size() > MAX_ENTRIES) {
            throw new InvalidToyInputException(where + ": " + out.size() + " tokens, more than the toy's " + MAX_ENTRIES
                    + " (it writes out every number; `attnscope inspect` takes long texts)");
        }
        return out;
    }

    /** Numbers separated by spaces or commas: "2,3" or "2 3". */
    public static double[] vector(String where, String text, boolean allowMinusInfinity) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty()) {
            throw new InvalidToyInputException(where + ": expected numbers separated by commas (e.g. 2,3) but found nothing");
        }
        String[] parts = t.split("\\s*,\\s*|\\s+", -1);
        if (parts.length > MAX_ENTRIES) {
            throw new InvalidToyInputException(where + ": " + parts.length + " numbers, more than the toy's " + MAX_ENTRIES
                    + " (it writes out every number)");
        }
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                throw new InvalidToyInputException(where + ": empty entry " + (i + 1) + " in \"" + text.strip()
                        + "\" (expected numbers separated by commas, e.g. 2,3)");
            }
            if (allowMinusInfinity && (p.equalsIgnoreCase("-inf") || p.equals("−∞") || p.equals("-∞"))) {
                v[i] = Double.NEGATIVE_INFINITY;
            } else if (DECIMAL.matcher(p).matches()) {
                v[i] = Double.parseDouble(p);
                if (v[i] != 0 && Math.abs(v[i]) < MIN_MAGNITUDE) {
                    throw new InvalidToyInputException(where + ": " + p + " is too small for the toy (write 0 or a number of at least "
                            + Fmt.num(MIN_MAGNITUDE) + " in size: it writes four decimals, and " + p + " would print as 0)");
                }
                if (!(Math.abs(v[i]) <= MAX_MAGNITUDE)) {
                    throw new InvalidToyInputException(where + ": " + p + " is too large for the toy (at most "
                            + Fmt.num(MAX_MAGNITUDE) + " in size: it writes out hand-sized arithmetic, and larger numbers overflow "
                            + "its products and e^score)");
                }
            } else {
                throw new InvalidToyInputException(where + ": \"" + p + "\" is not a number (expected numbers separated by commas, e.g. 2,3"
                        + (allowMinusInfinity ? ", or -inf for a masked score" : "") + ")");
            }
        }
        return v;
    }

    /** Rows separated by ';', all of one length. */
    public static double[][] matrix(String where, String text, boolean allowMinusInfinity) {
        String[] rows = text.strip().split(";", -1);
        if (rows.length > MAX_ENTRIES) {
            throw new InvalidToyInputException(where + ": " + rows.length + " rows, more than the toy's " + MAX_ENTRIES
                    + " (it writes out every number; `attnscope inspect` takes long texts)");
        }
        double[][] m = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            m[r] = vector(where + " row " + r, rows[r], allowMinusInfinity);
            if (m[r].length != m[0].length) {
                throw new InvalidToyInputException(where + ": row " + r + " has " + m[r].length + " numbers but row 0 has "
                        + m[0].length + " (every row must have the same length)");
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return source + " " + Arrays.toString(values.keySet().toArray());
    }
}
