package attnscope.toy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Independent arithmetic for the tests: BigDecimal with 40 significant digits, e^x by its
 * Taylor series (not Math.exp), and the handout's way of writing numbers, re-implemented here
 * so that a bug in the product's formatting or math cannot hide in the expected values.
 */
final class Exact {
    static final MathContext MC = new MathContext(40, RoundingMode.HALF_EVEN);

    private Exact() {
    }

    static BigDecimal of(String s) {
        return new BigDecimal(s);
    }

    static BigDecimal of(double d) {
        return new BigDecimal(Double.toString(d));
    }

    /** e^x = Σ x^n / n!, summed until the terms vanish at 40 digits; x is small here (|x| < 50). */
    static BigDecimal exp(BigDecimal x) {
        if (x.signum() < 0) {
            return BigDecimal.ONE.divide(exp(x.negate()), MC);
        }
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int n = 1; n < 400; n++) {
            term = term.multiply(x, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(new BigDecimal("1e-35")) < 0 && n > x.doubleValue()) {
                break;
            }
        }
        return sum;
    }

    /** At most 4 decimals, half up, trailing zeros dropped: the handout's numbers. */
    static String num(BigDecimal x) {
        BigDecimal r = x.setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return r.signum() == 0 ? "0" : r.toPlainString();
    }

    /** Exactly 4 decimals: the weight columns. */
    static String fixed(BigDecimal x) {
        return x.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    static String vec(BigDecimal... v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(num(v[i]));
        }
        return sb.append(']').toString();
    }
}
