package attnscope.toy;

/**
 * Reading one entry of an attention pattern in words. weights[I, J] is the share of query
 * position I's output that comes from the value at position J: row I sums to 1, and the output
 * at I is Σ_J weights[I, J]·v_J.
 *
 * @param i       query position (row)
 * @param j       key/value position (column)
 * @param weight  weights[I, J]
 * @param causal  whether the pattern was computed with the causal mask
 * @param sentences the explanation, one sentence per element
 */
public record WeightReading(int i, int j, double weight, boolean causal, java.util.List<String> sentences) {

    public static WeightReading read(MatrixAttention.Result r, int i, int j) {
        int t = r.example().length();
        if (i < 0 || i >= t || j < 0 || j >= t) {
            throw new InvalidToyInputException("weights[" + i + ", " + j + "] is outside the " + t + " × " + t
                    + " pattern: positions run from 0 to " + (t - 1));
        }
        String qi = "\"" + r.example().tokens().get(i) + "\"";
        String kj = "\"" + r.example().tokens().get(j) + "\"";
        double w = r.weights()[i][j];
        java.util.List<String> s = new java.util.ArrayList<>();
        s.add("weights[" + i + ", " + j + "] = " + Fmt.fixed(w) + ": query position " + i + " (" + qi + ") takes "
                + Fmt.percent(w) + " of its output from the value at position " + j + " (" + kj + ").");
        s.add("Row " + i + " is query " + i + "'s whole budget: its weights sum to 1, so the other "
                + Fmt.percent(1 - w) + " comes from the other positions; column " + j + " is where " + kj + " is read by each query.");
        s.add("The output at position " + i + " is Σ_J weights[" + i + ", J] · v_J, so v_" + j + " enters it multiplied by "
                + Fmt.fixed(w) + ".");
        if (r.causal()) {
            if (j > i) {
                s.add("This pattern is causal, and J = " + j + " > I = " + i + ": position " + j + " is in the future of position "
                        + i + ", its score was set to −∞ before softmax, so the weight is exactly 0.");
            } else {
                s.add("In a causal model weights[I, J] is 0 whenever J > I (a query never sees later tokens); here J = " + j
                        + " ≤ I = " + i + ", so position " + j + " is visible to position " + i + ".");
            }
        } else {
            s.add("This pattern is not causal (every query sees every key). In a causal model weights[I, J] would be 0 "
                    + "whenever J > I" + (j > i ? ", as it would be here: J = " + j + " > I = " + i + "." : "."));
        }
        return new WeightReading(i, j, w, r.causal(), java.util.List.copyOf(s));
    }
}
