package attnscope.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every check passes on a right tensor and FAILS on a wrong one, with a message that says where. */
class ChecksTest {
    /** One head, T = 3: a causal pattern, rows summing to 1. */
    static Tensor causalPattern() {
        return new Tensor(new int[] {1, 3, 3}, new float[] {
            1f, 0f, 0f,
            0.25f, 0.75f, 0f,
            0.2f, 0.3f, 0.5f});
    }

    @Test
    void shape() {
        assertTrue(Checks.shape(2, "q", new int[] {14, 5, 64}, new int[] {14, 5, 64}).passed());
        CheckResult r = Checks.shape(2, "q", new int[] {14, 5, 64}, new int[] {7, 5, 128});
        assertFalse(r.passed());
        assertEquals("shape.q", r.check());
        assertEquals("q, layer 2: expected (14, 5, 64) (from config.json) but found (7, 5, 128)", r.detail());
    }

    @Test
    void causalFailsOnAnyWeightAboveTheDiagonal() {
        assertTrue(Checks.causal(0, 0, causalPattern(), true).passed());
        Tensor leaky = causalPattern();
        leaky.data()[1] = 1e-9f; // query 0 sees key 1, ever so slightly
        CheckResult r = Checks.causal(4, 0, leaky, true);
        assertFalse(r.passed(), "exactly 0 is required, not merely small");
        assertEquals(1e-9, r.value(), 1e-15);
        assertTrue(r.detail().contains("query 0") && r.detail().contains("key 1"), r.detail());
    }

    @Test
    void bidirectionalModelIsReportedNotCausalNotFailed() {
        Tensor full = new Tensor(new int[] {1, 2, 2}, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
        CheckResult r = Checks.causal(0, 0, full, false);
        assertTrue(r.passed());
        assertEquals(0.5, r.value(), 0);
        assertTrue(r.detail().startsWith("not causal"), r.detail());
    }

    @Test
    void rowSums() {
        assertTrue(Checks.rowSums(0, 0, causalPattern(), 1e-6).passed());
        Tensor off = causalPattern();
        off.data()[8] = 0.6f; // last row sums to 1.1
        CheckResult r = Checks.rowSums(0, 0, off, 1e-6);
        assertFalse(r.passed());
        assertEquals(0.1, r.value(), 1e-6);
        assertTrue(r.detail().contains("row 2"), r.detail());
    }

    @Test
    void agreementIsTwoSidedAndPerHead() {
        Tolerance tol = new Tolerance(1e-6, 1e-3);
        Tensor ref = new Tensor(new int[] {2, 1, 2}, new float[] {1f, 2f, 3f, 4f});
        Tensor above = new Tensor(new int[] {2, 1, 2}, new float[] {1f, 2f, 3f, 4.01f});
        Tensor below = new Tensor(new int[] {2, 1, 2}, new float[] {1f, 2f, 3f, 3.99f});
        assertTrue(Checks.agreement("z.ref", 0, 0, above, ref, tol).passed(), "head 0 is untouched");
        assertFalse(Checks.agreement("z.ref", 0, 1, above, ref, tol).passed());
        assertFalse(Checks.agreement("z.ref", 0, 1, below, ref, tol).passed());
        CheckResult close = Checks.agreement("z.ref", 0, 1,
                new Tensor(new int[] {2, 1, 2}, new float[] {1f, 2f, 3f, 4.003f}), ref, tol);
        assertTrue(close.passed(), "within rtol·|b| = 0.004");
        CheckResult nan = Checks.agreement("z.ref", 0, 1, new Tensor(new int[] {2, 1, 2}, new float[] {1f, 2f, Float.NaN, 4f}), ref, tol);
        assertFalse(nan.passed(), "NaN never agrees");
    }

    @Test
    void negativeControlFailsWhenTheUnmaskedRecomputationAgreesToo() {
        Tensor model = causalPattern();
        Tensor unmasked = new Tensor(new int[] {1, 3, 3}, new float[] {0.3f, 0.3f, 0.4f, 0.25f, 0.5f, 0.25f, 0.2f, 0.3f, 0.5f});
        assertTrue(Checks.negativeControl(0, 0, "the pattern", model, unmasked, Tolerance.PATTERN_FP32).passed());
        CheckResult r = Checks.negativeControl(0, 0, "the pattern", model, causalPattern(), Tolerance.PATTERN_FP32);
        assertFalse(r.passed());
        assertTrue(r.detail().contains("cannot see the mask"), r.detail());
    }

    @Test
    void maskIsVisibleOnlyWhereItChangesTheHead() {
        Tensor masked = causalPattern();
        Tensor unmasked = new Tensor(new int[] {1, 3, 3}, new float[] {0.3f, 0.3f, 0.4f, 0.25f, 0.5f, 0.25f, 0.2f, 0.3f, 0.5f});
        assertTrue(Checks.maskIsVisible(0, masked, unmasked, Tolerance.PATTERN_FP32));
        // A head that already ignores later keys: without the mask it puts < 1e-6 on them, within the tolerance.
        Tensor peaked = new Tensor(new int[] {1, 3, 3}, new float[] {
            0.9999995f, 0.0000003f, 0.0000002f,
            0.25f, 0.7499997f, 0.0000003f,
            0.2f, 0.3f, 0.5f});
        assertFalse(Checks.maskIsVisible(0, masked, peaked, Tolerance.PATTERN_FP32));
    }

    @Test
    void scale() {
        assertTrue(Checks.scale(0, 1 / Math.sqrt(64), 64, 1e-5).passed());
        float root = (float) Math.sqrt(1 / Math.sqrt(64)); // Mul(√scale) on Q and on Kᵀ, in float32
        assertTrue(Checks.scale(0, (double) root * root, 64, 1e-5).passed());
        CheckResult r = Checks.scale(3, 1.0 / 64, 64, 1e-5); // divided by d instead of √d
        assertFalse(r.passed());
        assertEquals(0.875, r.value(), 1e-12);
        assertTrue(r.detail().contains("not 1/√d"), r.detail());
    }

    @Test
    void sameOutput() {
        Tensor a = new Tensor(new int[] {1, 2}, new float[] {1f, 2f});
        assertTrue(Checks.sameOutput("logits", a, new Tensor(new int[] {1, 2}, new float[] {1f, 2f}), Tolerance.LOGITS).passed());
        assertFalse(Checks.sameOutput("logits", a, new Tensor(new int[] {1, 2}, new float[] {1f, 2.01f}), Tolerance.LOGITS).passed());
        assertFalse(Checks.sameOutput("logits", a, new Tensor(new int[] {2, 1}, new float[] {1f, 2f}), Tolerance.LOGITS).passed());
    }

    /**
     * Issue 17: a NaN has no |a − b|. Both sides NaN once read "|a − b| = 0.0 > 1.0E-5" and "values
     * differ … worst 0.0"; the message names the NaN, its side and its place instead.
     */
    @Test
    void aNanIsNamedWithItsSideAndPlaceNotAsADifference() {
        Tensor model = causalPattern();
        Tensor reference = causalPattern();
        model.data()[4] = Float.NaN; // row 1, col 1
        reference.data()[4] = Float.NaN;
        CheckResult both = Checks.agreement("pattern.ref", 3, 0, model, reference, Tolerance.PATTERN_FP32);
        assertFalse(both.passed());
        assertEquals("NaN in both the model's and the reference's pattern at (layer 3, head 0, row 1, col 1); 1 of 9 values are "
                + "not within " + Tolerance.PATTERN_FP32, both.detail());
        CheckResult modelOnly = Checks.agreement("z.ref", 3, 0, model, causalPattern(), Tolerance.OUTPUT_FP32);
        assertTrue(modelOnly.detail().startsWith("NaN in the model's z at (layer 3, head 0, row 1, col 1)"), modelOnly.detail());
        Tensor inf = causalPattern();
        inf.data()[8] = Float.POSITIVE_INFINITY;
        CheckResult refInf = Checks.agreement("rotary.k", 0, 0, causalPattern(), inf, Tolerance.OUTPUT_FP32);
        assertTrue(refInf.detail().startsWith("Infinity in the reference's rotated k at (layer 0, head 0, row 2, col 2)"),
                refInf.detail());

        Tensor logits = new Tensor(new int[] {1, 2, 3}, new float[] {1, 2, 3, 4, Float.NaN, 6});
        CheckResult out = Checks.sameOutput("logits", logits, new Tensor(logits.shape(), logits.data().clone()), Tolerance.LOGITS);
        assertFalse(out.passed());
        assertTrue(out.detail().startsWith("NaN in both the hooked graph's and the untouched graph's logits at (token 1, column 1)"),
                out.detail());
        assertFalse(out.detail().contains("worst"), out.detail());

        CheckResult rows = Checks.rowSums(0, 0, model, 1e-5);
        assertEquals("row 1 sums to NaN: a weight in it is NaN or infinite", rows.detail());
        Tensor future = causalPattern();
        future.data()[2] = Float.NaN; // query 0, key 2
        assertEquals("query 0 puts weight NaN on the later key 2: the mask lets a token see the future",
                Checks.causal(0, 0, future, true).detail());
    }

    @Test
    void aNanMakesTheNegativeControlFailNotPass() {
        Tensor model = causalPattern();
        model.data()[3] = Float.NaN;
        Tensor unmasked = new Tensor(new int[] {1, 3, 3}, new float[] {0.3f, 0.3f, 0.4f, 0.3f, 0.3f, 0.4f, 0.3f, 0.3f, 0.4f});
        CheckResult r = Checks.negativeControl(2, 0, "the pattern", model, unmasked, Tolerance.PATTERN_FP32);
        assertFalse(r.passed(), "a NaN disagrees with everything and proves nothing about the mask");
        assertTrue(r.detail().startsWith("NaN in the model's pattern at (layer 2, head 0, row 1, col 0)"), r.detail());
    }
}
