package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.attention.ReferenceAttention;
import attnscope.check.CheckResult;
import attnscope.check.Checks;
import attnscope.check.Tolerance;
import attnscope.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The negative control as the inspection runs it, fed row by row by the reference: settled where
 * the verdict is known (a causal model: row 0), compared to the end where it never is (a model that
 * forgot its mask), with the same verdict as the whole-head comparison in both cases.
 */
class UnmaskedControlTest {
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int T = 12;
    private static final int D = 8;

    private final Random random = new Random(11);
    private final Tensor q = tensor(HEADS, 2);
    private final Tensor k = tensor(KV_HEADS, 2);
    private final Tensor v = tensor(KV_HEADS, 1);
    private final Tensor unmasked = ReferenceAttention.compute(q, k, v, false, null).pattern();

    private Tensor tensor(int heads, double spread) {
        float[] x = new float[heads * T * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * spread);
        }
        return new Tensor(new int[] {heads, T, D}, x);
    }

    /** Runs the causal reference with the control fed by it, the way Inspector.checkLayer does. */
    private Inspector.UnmaskedControl controlFor(Tensor modelPattern) {
        Inspector.UnmaskedControl control = new Inspector.UnmaskedControl(modelPattern);
        ReferenceAttention.compute(q, k, v, true, null, control);
        return control;
    }

    @Test
    void aCausalModelIsSettledAtItsFirstRow() {
        Tensor model = ReferenceAttention.compute(q, k, v, true, null).pattern(); // a model that computes the formula
        Inspector.UnmaskedControl control = controlFor(model);
        for (int h = 0; h < HEADS; h++) {
            assertTrue(control.maskVisible(h));
            CheckResult check = control.check(3, h);
            assertTrue(check.passed(), check.detail());
            assertTrue(check.detail().contains("in query row 0)"), check.detail());
            // The value is row 0's largest |a − b|, computed here on its own ...
            double row0 = 0;
            for (int j = 0; j < T; j++) {
                row0 = Math.max(row0, Math.abs((double) model.data()[h * T * T + j] - unmasked.data()[h * T * T + j]));
            }
            assertEquals(row0, check.value());
            // ... and the whole head's comparison gives the same verdict with a value at least as large.
            CheckResult whole = Checks.negativeControl(3, h, "the pattern", model, unmasked, Tolerance.PATTERN_FP32);
            assertTrue(whole.passed());
            assertTrue(check.value() <= whole.value());
        }
    }

    @Test
    void aModelThatForgotItsMaskIsComparedToTheLastRowAndFails() {
        Inspector.UnmaskedControl control = controlFor(unmasked);
        for (int h = 0; h < HEADS; h++) {
            assertTrue(control.maskVisible(h), "the mask changes every head of this input");
            CheckResult check = control.check(3, h);
            assertFalse(check.passed());
            assertTrue(check.detail().contains("cannot see the mask"), check.detail());
            CheckResult whole = Checks.negativeControl(3, h, "the pattern", unmasked, unmasked, Tolerance.PATTERN_FP32);
            assertEquals(whole, check, "compared over every row, as the whole-head comparison is");
        }
    }
}
