package attnscope.check;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The outcome of one verification check, as written to summary.json: layer, head, name, passed,
 * the measured value and the bound it was held to, and one line for people.
 *
 * <p>The line is written when it is read, not when the check is made: an inspection makes about
 * 2,200 checks and reads the line of the failed ones only, and formatting every number into a
 * sentence cost more than the checks themselves (and kept the JIT busy for the first runs).
 * Equality and {@code toString} are those of a record of the seven values.
 */
public final class CheckResult {
    private final int layer;
    private final int head;
    private final String check;
    private final boolean passed;
    private final double value;
    private final double limit;
    private final Supplier<String> detail;

    /**
     * @param layer  the layer checked
     * @param head   the query head checked, or -1 for a check of the whole layer
     * @param check  the check's name: "shape.q", "causal", "rowsum", "pattern.ref", "z.ref", "negative-control", "logits", ...
     * @param passed whether value is within limit
     * @param value  the measured number (largest error, largest weight above the diagonal, ...)
     * @param limit  the bound it was held to
     * @param detail one line for people: what was expected and what was found
     */
    public CheckResult(int layer, int head, String check, boolean passed, double value, double limit, String detail) {
        this(layer, head, check, passed, value, limit, () -> detail);
        Objects.requireNonNull(detail, "detail");
    }

    /** As the other constructor, the line written by {@code detail} when it is asked for (it must not change). */
    public CheckResult(int layer, int head, String check, boolean passed, double value, double limit, Supplier<String> detail) {
        this.layer = layer;
        this.head = head;
        this.check = Objects.requireNonNull(check, "check");
        this.passed = passed;
        this.value = value;
        this.limit = limit;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public int layer() {
        return layer;
    }

    public int head() {
        return head;
    }

    public String check() {
        return check;
    }

    public boolean passed() {
        return passed;
    }

    public double value() {
        return value;
    }

    public double limit() {
        return limit;
    }

    /** One line for people: what was expected and what was found. */
    public String detail() {
        return detail.get();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckResult c && layer == c.layer && head == c.head && check.equals(c.check) && passed == c.passed
                && Double.compare(value, c.value) == 0 && Double.compare(limit, c.limit) == 0 && detail().equals(c.detail());
    }

    @Override
    public int hashCode() {
        return Objects.hash(layer, head, check, passed, value, limit, detail());
    }

    @Override
    public String toString() {
        return "CheckResult[layer=" + layer + ", head=" + head + ", check=" + check + ", passed=" + passed + ", value=" + value
                + ", limit=" + limit + ", detail=" + detail() + "]";
    }
}
