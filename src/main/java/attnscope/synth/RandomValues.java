package attnscope.synth;

import java.nio.charset.StandardCharsets;

/**
 * Seeded uniform values for one weight tensor. Each tensor has its own stream, derived from the
 * model seed and the tensor's logical key ("layers.3.q_proj.weight"), so a tensor's values do not
 * depend on the graph style or on the order in which tensors are written.
 *
 * <p>The generator is SplitMix64 (Steele, Lea and Flood 2014): one 64-bit multiply-xorshift per
 * two floats, fast enough to fill the 2 GB of Qwen2.5-0.5B in a few seconds.
 */
final class RandomValues implements WeightFile.Values {
    private static final float TWO_POW_MINUS_24 = 1f / (1 << 24);

    private final float center;
    private final float halfWidth;
    private long state;

    /** Values uniform in [center − halfWidth, center + halfWidth). */
    RandomValues(long seed, String key, double center, double halfWidth) {
        this.center = (float) center;
        this.halfWidth = (float) halfWidth;
        this.state = mix(seed ^ fnv1a(key));
    }

    /** Uniform values with mean 0 and the given standard deviation (half width √3·std). */
    static RandomValues withStd(long seed, String key, double std) {
        return new RandomValues(seed, key, 0, Math.sqrt(3) * std);
    }

    @Override
    public void next(float[] chunk, int count) {
        for (int i = 0; i < count; i += 2) {
            long bits = mix(state += 0x9E3779B97F4A7C15L);
            // two 24-bit uniforms u in [0, 1) per 64 bits; value = center + halfWidth·(2u − 1)
            chunk[i] = center + halfWidth * ((int) (bits >>> 40) * TWO_POW_MINUS_24 * 2f - 1f);
            if (i + 1 < count) {
                chunk[i + 1] = center + halfWidth * ((int) ((bits >>> 16) & 0xFFFFFF) * TWO_POW_MINUS_24 * 2f - 1f);
            }
        }
    }

    /** SplitMix64's output function. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
