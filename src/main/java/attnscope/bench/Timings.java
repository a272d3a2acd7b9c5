package attnscope.bench;

import java.util.Arrays;

/** Timing helpers: run a step several times after a warm-up and keep the median, which ignores outliers. */
public final class Timings {
    private Timings() {
    }

    /** A step to time; may throw. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** Seconds taken by one run of {@code step}. */
    public static double seconds(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs {@code step} once to warm up, then {@code runs} times; returns the median in seconds. */
    public static double median(int runs, Step step) throws Exception {
        step.run();
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = seconds(step);
        }
        return median(s);
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("Median of no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
