package attnscope.synth;

import java.util.function.Supplier;

/**
 * A linear layer's weight W (in, out) quantized the two ways the onnx-community files store it.
 *
 * <ul>
 * <li>q4 ({@code com.microsoft:MatMulNBits}, bits 4): for each output column n and each block of
 *     {@link #BLOCK} inputs, scale = max|w| / 7 and q = round(w / scale) + 8 in 0..15, two per byte
 *     (the even input in the low nibble); the op computes y[n] = Σ_k x[k]·(q[n][k] − 8)·scale[n][block].</li>
 * <li>int8 (quantize_dynamic, per tensor, symmetric): scale = max|W| / 127, q = round(w / scale) in
 *     −127..127; MatMulInteger multiplies with the activations quantized by DynamicQuantizeLinear.</li>
 * </ul>
 *
 * The float matrix is generated once, on first use, from the same random stream the float graph uses.
 */
final class QuantizedWeights {
    static final int BLOCK = 32;

    private final int in;
    private final int out;
    private final Supplier<WeightFile.Values> values;
    private float[] w; // (in, out) row-major, as the float graph's MatMul weight

    QuantizedWeights(int in, int out, Supplier<WeightFile.Values> values) {
        this.in = in;
        this.out = out;
        this.values = values;
    }

    private synchronized float[] matrix() {
        if (w == null) {
            w = new float[Math.multiplyExact(in, out)];
            values.get().next(w, w.length);
        }
        return w;
    }

    /** Blocks of 32 inputs per output column: ⌈in / 32⌉. */
    int blocks() {
        return (in + BLOCK - 1) / BLOCK;
    }

    /** q4 scales (out, blocks), row-major: one per output column and block. */
    float[] q4Scales() {
        float[] m = matrix();
        float[] scales = new float[out * blocks()];
        for (int n = 0; n < out; n++) {
            for (int b = 0; b < blocks(); b++) {
                float max = 0;
                for (int k = b * BLOCK; k < Math.min(in, (b + 1) * BLOCK); k++) {
                    max = Math.max(max, Math.abs(m[k * out + n]));
                }
                scales[n * blocks() + b] = max == 0 ? 1f : max / 7f;
            }
        }
        return scales;
    }

    /** q4 codes (out, blocks, 16 bytes), with the scales as stored (rounded to fp16 in an fp16 model). */
    byte[] q4Codes(float[] scales) {
        float[] m = matrix();
        byte[] codes = new byte[out * blocks() * (BLOCK / 2)];
        for (int n = 0; n < out; n++) {
            for (int b = 0; b < blocks(); b++) {
                float scale = scales[n * blocks() + b];
                for (int j = 0; j < BLOCK; j++) {
                    int k = b * BLOCK + j;
                    int q = k < in ? Math.max(0, Math.min(15, Math.round(m[k * out + n] / scale) + 8)) : 8; // padding: 0
                    int at = (n * blocks() + b) * (BLOCK / 2) + j / 2;
                    codes[at] |= (byte) (j % 2 == 0 ? q : q << 4);
                }
            }
        }
        return codes;
    }

    /** The int8 scale: max|W| / 127. */
    float int8Scale() {
        float max = 0;
        for (float v : matrix()) {
            max = Math.max(max, Math.abs(v));
        }
        return max == 0 ? 1f : max / 127f;
    }

    /** int8 codes (in, out): round(w / scale). */
    byte[] int8Codes(float scale) {
        float[] m = matrix();
        byte[] codes = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
            codes[i] = (byte) Math.max(-127, Math.min(127, Math.round(m[i] / scale)));
        }
        return codes;
    }

    /** A float array as weight values. */
    static WeightFile.Values of(float[] data) {
        return new WeightFile.Values() {
            private int at;

            @Override
            public void next(float[] chunk, int count) {
                System.arraycopy(data, at, chunk, 0, count);
                at += count;
            }
        };
    }
}
