package attnscope.check;

/**
 * The outcome of one verification check, as written to summary.json.
 *
 * @param layer  the layer checked
 * @param head   the query head checked, or -1 for a check of the whole layer
 * @param check  the check's name: "shape.q", "causal", "rowsum", "pattern.ref", "z.ref", "negative-control", "logits", ...
 * @param passed whether value is within limit
 * @param value  the measured number (largest error, largest weight above the diagonal, ...)
 * @param limit  the bound it was held to
 * @param detail one line for people: what was expected and what was found
 */
public record CheckResult(int layer, int head, String check, boolean passed, double value, double limit, String detail) {
}
