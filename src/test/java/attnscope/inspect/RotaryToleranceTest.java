package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.check.CheckResult;
import attnscope.check.Checks;
import attnscope.check.Tolerance;
import attnscope.model.ModelConfig;
import attnscope.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the rotary check failed a correct Qwen2 export at position 1611 ("2 of 54112 values
 * differ; |a − b| = 6.15e-5 > 4.51e-5"). A float32 model's angle p·inv_freq is off from ours by a
 * few ulps of the angle, which grow with the position; the allowance now grows with them, and a
 * wrong rope_theta still fails.
 */
class RotaryToleranceTest {
    static final int T = 2048;
    static final int D = 16;
    static final double THETA = 10_000;

    /** Q before rotary (H = 2, T, d): values of a few units, as Qwen's q (with its large biases) has. */
    static Tensor before() {
        Random r = new Random(3);
        float[] x = new float[2 * T * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return new Tensor(new int[] {2, T, D}, x);
    }

    /**
     * Rotary as a float32 exporter computes it: inv_freq from a float32 power (here: our inv_freq
     * moved by one ulp, up or down by pair, as torch's pow and a correctly rounded one may differ),
     * the angle, cos, sin and the rotation all in float32.
     */
    static Tensor rotatedByAFloat32Model(Tensor before, double theta) {
        float[] x = before.data();
        float[] out = new float[x.length];
        int half = D / 2;
        for (int row = 0; row < x.length / D; row++) {
            int p = row % T;
            for (int i = 0; i < half; i++) {
                float invFreq = (float) (1.0 / Math.pow(theta, 2.0 * i / D));
                invFreq = i == 0 ? invFreq : i % 2 == 1 ? Math.nextUp(invFreq) : Math.nextDown(invFreq);
                float angle = p * invFreq;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                float a = x[row * D + i];
                float b = x[row * D + i + half];
                out[row * D + i] = a * c - b * s;
                out[row * D + i + half] = b * c + a * s;
            }
        }
        return new Tensor(before.shape(), out);
    }

    static ModelConfig config(double theta) {
        return new ModelConfig("qwen2", 2 * D, 1, 2, 2, D, 64, 512, theta, 1e-6, 32768, true, true);
    }

    static List<CheckResult> check(double configTheta, Tensor before, Tensor after) {
        return Inspector.rotaryCheck("rotary.q", "query head", config(configTheta), 0, before, after,
                new Inspector.RotaryAngles(configTheta), attnscope.check.Tolerance.OUTPUT_FP32);
    }

    @Test
    void aCorrectFloat32ModelPassesAtLongPositions() {
        Tensor before = before();
        Tensor after = rotatedByAFloat32Model(before, THETA);
        // The fixed tolerance of before (|a − b| ≤ 1e-5 + 1e-3·|b|) fails this correct model.
        Tensor ours = new Tensor(before.shape(), new attnscope.attention.Rotary(D, THETA).apply(before.data(), attnscope.attention.Rotary.positions(T)));
        assertFalse(Checks.agreement("rotary.q", 0, 0, after, ours, Tolerance.OUTPUT_FP32).passed(),
                "the fixed tolerance fails a correct model at long positions (the bug)");
        for (CheckResult r : check(THETA, before, after)) {
            assertTrue(r.passed(), r.detail());
        }
    }

    @Test
    void aWrongRopeThetaStillFails() {
        Tensor before = before();
        Tensor after = rotatedByAFloat32Model(before, THETA);
        for (double wrong : new double[] {500_000, THETA * 1.01, THETA * 1.0001}) {
            for (CheckResult r : check(wrong, before, after)) {
                assertFalse(r.passed(), "config θ " + wrong + " against the graph's " + THETA + ": " + r.detail());
                assertTrue(r.detail().contains("rope_theta " + wrong), r.detail());
            }
        }
        // Even on a short input: by position 1 a wrong θ moves the angle far beyond the allowance.
        Tensor shortBefore = new Tensor(new int[] {1, 2, D}, java.util.Arrays.copyOf(before.data(), 2 * D));
        Tensor shortAfter = new Tensor(shortBefore.shape(), java.util.Arrays.copyOf(rotatedByAFloat32Model(before, THETA).data(), 2 * D));
        // Rows 0 and 1 of head 0 are positions 0 and 1 of the long input, so the short tensors are rotated alike.
        assertFalse(Inspector.rotaryCheck("rotary.q", "query head", config(500_000), 0, shortBefore, shortAfter,
                new Inspector.RotaryAngles(500_000), attnscope.check.Tolerance.OUTPUT_FP32).get(0).passed());
    }
}
