package attnscope.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Formatting and comparison of shapes, so every message writes them the same way: (14, 50, 64). */
public final class Shapes {
    private Shapes() {
    }

    public static String format(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    public static String format(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /** "14 × 50 × 64": the form used in tables for people. */
    public static String times(int... shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(" × "));
    }

    /**
     * Throws with a message in the house style when {@code actual} differs from {@code expected}.
     *
     * @param what names the tensor and where it is, e.g. "pattern, layer 3 head 5"
     */
    public static void require(String what, int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalArgumentException(what + ": expected " + format(expected) + " but found " + format(actual));
        }
    }
}
