package attnscope.render;

import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;
import java.util.List;

/**
 * The patterns of one layer with what a figure needs to say about them: H query heads sharing
 * Hkv key/value heads, T tokens with their display labels, and whether the model is causal.
 *
 * @param layer   the layer index
 * @param pattern attention weights (H, T, T)
 * @param kvHeads Hkv; query head h reads key/value head h / (H/Hkv)
 * @param labels  T display labels ({@link TokenLabels#display})
 * @param causal  the model masks keys after the query
 */
record PatternSet(int layer, Tensor pattern, int kvHeads, List<String> labels, boolean causal) {
    PatternSet {
        int t = labels.size();
        if (pattern.rank() != 3 || pattern.dim(1) != t || pattern.dim(2) != t) {
            throw new IllegalArgumentException("pattern, layer " + layer + ": expected (H, T=" + t + ", T=" + t
                    + ") but found " + Shapes.format(pattern.shape()));
        }
        if (kvHeads <= 0 || pattern.dim(0) % kvHeads != 0) {
            throw new IllegalArgumentException("pattern, layer " + layer + ": " + pattern.dim(0)
                    + " query heads cannot share " + kvHeads + " key/value heads");
        }
    }

    int heads() {
        return pattern.dim(0);
    }

    int tokens() {
        return labels.size();
    }

    /** H/Hkv, query heads per key/value head. */
    int groupSize() {
        return heads() / kvHeads;
    }

    int kvHeadOf(int head) {
        return head / groupSize();
    }

    MatrixView head(int h) {
        return MatrixView.ofHead(pattern, h, labels, causal);
    }
}
