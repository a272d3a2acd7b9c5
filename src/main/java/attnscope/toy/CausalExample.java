package attnscope.toy;

import java.util.List;

/**
 * A matrix of pre-softmax scores to mask and normalise, as on a slide; optionally the slide's
 * printed post-softmax numbers, to be checked.
 *
 * @param tokens       T tokens
 * @param scores       (T, T) pre-softmax scores; entries may already be −∞
 * @param slideWeights (T, T) the weights a slide printed, or null
 */
public record CausalExample(List<String> tokens, double[][] scores, double[][] slideWeights) {

    public CausalExample {
        tokens = List.copyOf(tokens);
        int t = tokens.size();
        requireSquare("scores", scores, t);
        if (slideWeights != null) {
            requireSquare("slide-weights", slideWeights, t);
        }
    }

    private static void requireSquare(String what, double[][] m, int t) {
        if (m.length != t || m[0].length != t) {
            throw new InvalidToyInputException(what + " must be " + t + " × " + t + " (one row and one column per token) but is "
                    + m.length + " × " + m[0].length);
        }
    }

    /** kind = causal: tokens, scores (may contain -inf), optional slide-weights. */
    public static CausalExample from(ToyInput in) {
        return new CausalExample(in.tokens("tokens"), in.maskedMatrix("scores"),
                in.has("slide-weights") ? in.matrix("slide-weights") : null);
    }

    public int length() {
        return tokens.size();
    }
}
