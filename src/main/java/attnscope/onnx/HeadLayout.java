package attnscope.onnx;

/**
 * How the axes of a captured tensor map onto one layer's per-head form (heads, T, last) — the form
 * attnscope uses everywhere: q (H, T, d), k and v (Hkv, T, d), pattern (H, T, T), z (H, T, d).
 * Exporters keep these tensors in different layouts; the layout is read off the graph, never
 * guessed from the sizes (T may well equal d).
 */
public sealed interface HeadLayout {

    /**
     * A rank-4 tensor whose transpose by {@code perm} is (B, heads, T, last) with batch B = 1:
     * (B, heads, T, d) itself is perm (0, 1, 2, 3); BERT's split-heads (B, T, heads, d) is
     * (0, 2, 1, 3); a transposed key (B, heads, d, T) is (0, 1, 3, 2).
     *
     * @param perm canonical axis i is the captured tensor's axis perm[i] (NumPy's transpose)
     */
    record Split(int[] perm) implements HeadLayout {
        public static Split identity() {
            return new Split(new int[] {0, 1, 2, 3});
        }

        public boolean isIdentity() {
            return perm[0] == 0 && perm[1] == 1 && perm[2] == 2 && perm[3] == 3;
        }
    }

    /**
     * Heads packed side by side in the last axis, (B, T, C) or (B·T, C) with B = 1: the input of an
     * output projection, or a packed QKV. Of the {@code totalHeads} equal column blocks
     * (each d wide, d = C / totalHeads), this tensor is blocks firstHead .. firstHead + heads − 1.
     */
    record Packed(int firstHead, int heads, int totalHeads) implements HeadLayout {
        /** All the query heads side by side (an output projection's input): H is taken from the captured Q. */
        public static Packed allQueryHeads() {
            return new Packed(0, -1, -1);
        }

        public boolean isAllQueryHeads() {
            return heads < 0;
        }
    }
}
