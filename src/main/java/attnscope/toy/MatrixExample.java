package attnscope.toy;

import java.util.List;

/**
 * All queries at once: a query, key and value per token.
 *
 * @param tokens  T token strings
 * @param queries (T, d)
 * @param keys    (T, d)
 * @param values  (T, d_v)
 */
public record MatrixExample(List<String> tokens, double[][] queries, double[][] keys, double[][] values) {

    public MatrixExample {
        tokens = List.copyOf(tokens);
        int t = tokens.size();
        requireRows("queries", queries, t);
        requireRows("keys", keys, t);
        requireRows("values", values, t);
        if (queries[0].length != keys[0].length) {
            throw new InvalidToyInputException("queries have " + queries[0].length + " numbers but keys have " + keys[0].length
                    + ": a dot product needs equal lengths");
        }
    }

    private static void requireRows(String what, double[][] m, int t) {
        if (m.length != t) {
            throw new InvalidToyInputException("expected one row of " + what + " per token (" + t + " tokens) but found " + m.length);
        }
    }

    /** kind = matrix: tokens, queries, keys, values. */
    public static MatrixExample from(ToyInput in) {
        return new MatrixExample(in.tokens("tokens"), in.matrix("queries"), in.matrix("keys"), in.matrix("values"));
    }

    /** kind = self-attention: the inputs X serve as queries, keys and values (no learnable weights). */
    public static MatrixExample selfAttention(List<String> tokens, double[][] inputs) {
        return new MatrixExample(tokens, inputs, inputs, inputs);
    }

    public int length() {
        return tokens.size();
    }

    public int dk() {
        return keys[0].length;
    }
}
