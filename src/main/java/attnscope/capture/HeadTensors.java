package attnscope.capture;

import attnscope.onnx.HeadLayout;
import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;

/**
 * Turns a tensor as ONNX Runtime returned it (batch 1, the exporter's layout) into the per-head
 * form (heads, T, last) that the reference and the checks use.
 */
public final class HeadTensors {
    private HeadTensors() {
    }

    /**
     * @param data       the values, row-major in {@code shape}
     * @param shape      the shape ONNX Runtime reported
     * @param layout     how the axes map (from the graph)
     * @param queryHeads H as captured, for {@link HeadLayout.Packed#allQueryHeads()}
     * @param what       names the tensor in messages ("layer 3 q")
     */
    public static Tensor toHeads(float[] data, long[] shape, HeadLayout layout, int queryHeads, String what) {
        if (layout instanceof HeadLayout.Split split) {
            return fromSplit(data, shape, split.perm(), what);
        }
        HeadLayout.Packed packed = (HeadLayout.Packed) layout;
        int heads = packed.isAllQueryHeads() ? queryHeads : packed.heads();
        int total = packed.isAllQueryHeads() ? queryHeads : packed.totalHeads();
        return fromPacked(data, shape, packed.firstHead(), heads, total, what);
    }

    /** (B=1, heads, T, last) after transposing by perm: canonical[h][t][x] = captured at axes (perm) of (0, h, t, x). */
    private static Tensor fromSplit(float[] data, long[] shape, int[] perm, String what) {
        if (shape.length != 4) {
            throw new IllegalStateException(what + ": expected a rank-4 tensor (B, heads, T, d) in some order but found "
                    + Shapes.format(shape));
        }
        long[] stride = new long[4];
        stride[3] = 1;
        for (int i = 2; i >= 0; i--) {
            stride[i] = stride[i + 1] * shape[i + 1];
        }
        if (shape[perm[0]] != 1) {
            throw new IllegalStateException(what + ": expected batch 1 but found " + Shapes.format(shape));
        }
        int heads = (int) shape[perm[1]];
        int t = (int) shape[perm[2]];
        int last = (int) shape[perm[3]];
        int sh = (int) stride[perm[1]];
        int st = (int) stride[perm[2]];
        int sx = (int) stride[perm[3]];
        if (sh == t * last && st == last && sx == 1) {
            return new Tensor(new int[] {heads, t, last}, data); // already (1, heads, T, last): no copy
        }
        float[] out = new float[heads * t * last];
        int i = 0;
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < t; p++) {
                int base = h * sh + p * st;
                for (int x = 0; x < last; x++) {
                    out[i++] = data[base + x * sx];
                }
            }
        }
        return new Tensor(new int[] {heads, t, last}, out);
    }

    /** (…, T, C) with heads side by side in C: block firstHead + h, d = C / totalHeads wide, becomes head h. */
    private static Tensor fromPacked(float[] data, long[] shape, int firstHead, int heads, int totalHeads, String what) {
        long columns = shape[shape.length - 1];
        long rows = data.length / Math.max(columns, 1);
        if (totalHeads <= 0 || columns % totalHeads != 0) {
            throw new IllegalStateException(what + ": expected " + totalHeads + " heads side by side in the last axis of "
                    + Shapes.format(shape) + ", which does not divide");
        }
        int c = (int) columns;
        int t = (int) rows;
        int d = c / totalHeads;
        float[] out = new float[heads * t * d];
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < t; p++) {
                System.arraycopy(data, p * c + (firstHead + h) * d, out, (h * t + p) * d, d);
            }
        }
        return new Tensor(new int[] {heads, t, d}, out);
    }
}
