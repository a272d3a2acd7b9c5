package attnscope.toy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How the toy prints numbers, the way a handout writes them: at most four decimals, rounded
 * half up, trailing zeros dropped (2, 0.375, 0.0833). Weights are printed with exactly four
 * decimals so a column lines up. Locale-independent.
 */
public final class Fmt {
    /** Decimals printed for every toy number. */
    public static final int DECIMALS = 4;

    private Fmt() {
    }

    /** 2 → "2", 0.375 → "0.375", 1/12 → "0.0833", −0 → "0". */
    public static String num(double x) {
        if (Double.isNaN(x)) {
            return "undefined";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "−∞";
        }
        BigDecimal rounded = BigDecimal.valueOf(x).setScale(DECIMALS, RoundingMode.HALF_UP).stripTrailingZeros();
        if (rounded.signum() == 0) {
            return "0";
        }
        return rounded.toPlainString();
    }

    /**
     * Like {@link #num}, but a non-zero number too small for four decimals is written in
     * scientific notation (e^−10 → "4.540e-05"), so a tiny softmax numerator does not print as 0.
     */
    public static String numOrSci(double x) {
        if (x != 0 && Math.abs(x) < 0.00005 && !Double.isNaN(x)) {
            return String.format(Locale.ROOT, "%.3e", x);
        }
        return num(x);
    }

    /** Exactly four decimals: 0.375 → "0.3750". */
    public static String fixed(double x) {
        if (Double.isInfinite(x) || Double.isNaN(x)) {
            return num(x);
        }
        String s = BigDecimal.valueOf(x).setScale(DECIMALS, RoundingMode.HALF_UP).toPlainString();
        return s.equals("-0.0000") ? "0.0000" : s;
    }

    /** A percentage with one decimal: 0.3 → "30.0 %". */
    public static String percent(double w) {
        return BigDecimal.valueOf(w * 100).setScale(1, RoundingMode.HALF_UP).toPlainString() + " %";
    }

    /** [2, 3] */
    public static String vec(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(num(v[i]));
        }
        return sb.append(']').toString();
    }

    /** A factor inside a written-out product: negative numbers in parentheses, 2*(-1). */
    static String factor(double x) {
        String s = num(x);
        return x < 0 ? "(" + s + ")" : s;
    }

    /** Left-pads or right-pads a cell to a width (code points, so "·" and "÷" count as one). */
    static String pad(String s, int width) {
        int len = s.codePointCount(0, s.length());
        return len >= width ? s : s + " ".repeat(width - len);
    }

    static String padLeft(String s, int width) {
        int len = s.codePointCount(0, s.length());
        return len >= width ? s : " ".repeat(width - len) + s;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
