package attnscope.toy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The notebook's challenge, solved by search rather than by hand: find a query vector that puts
 * more than a given share of the weight on one token, or one that splits the weight about
 * equally between two tokens.
 *
 * <p>The search walks a grid of candidate queries, every vector with components in
 * [−{@value #RANGE}, {@value #RANGE}] in steps of {@value #STEP}, from the shortest outwards
 * (ties broken by component order, so the answer is reproducible), and returns the first that
 * satisfies the goal: the simplest query that does it. When none does, it returns the candidate
 * closest to the goal and says so: with sum-normalisation some goals are unreachable (for the
 * handout's keys no query with non-negative scores gives "cat" more than half the weight).
 */
public final class QuerySearch {
    /** Components range over [−RANGE, RANGE]. */
    public static final double RANGE = 10;
    /** Grid step. */
    public static final double STEP = 0.5;
    /** A split is "about equal" when the two weights differ by at most this. */
    public static final double SPLIT_TOLERANCE = 0.01;
    /** ... and together hold at least this share (otherwise "equal" could mean 0 and 0). */
    public static final double SPLIT_MIN_TOTAL = 0.9;
    /** Largest query dimension the grid can cover (41^3 = 68,921 candidates). */
    public static final int MAX_DIMENSION = 3;

    /**
     * @param goal      the goal in words
     * @param query     the query found (or the closest candidate)
     * @param satisfied whether the goal is met
     * @param weights   (T) the weights of that query under the normalisation searched with
     * @param tried     how many candidates were evaluated
     */
    public record Found(String goal, double[] query, boolean satisfied, double[] weights, int tried) {
    }

    private QuerySearch() {
    }

    /** A query with weight[target] &gt; minWeight. */
    public static Found target(HandoutExample ex, int target, double minWeight, Normalize kind, boolean scaled) {
        if (!(minWeight > 0 && minWeight < 1)) {
            throw new InvalidToyInputException("the target weight must be between 0 and 1 (exclusive) but found " + minWeight);
        }
        String goal = "more than " + Fmt.num(minWeight) + " of the weight on position " + target
                + " (\"" + ex.tokens().get(target) + "\") with " + name(kind);
        // Shortfall below the goal: 0 exactly when weight > minWeight.
        return search(ex, kind, scaled, goal, w -> w[target] > minWeight ? 0 : minWeight - w[target] + 1e-12);
    }

    /** A query giving a and b weights within {@link #SPLIT_TOLERANCE} and together ≥ {@link #SPLIT_MIN_TOTAL}. */
    public static Found split(HandoutExample ex, int a, int b, Normalize kind, boolean scaled) {
        if (a == b) {
            throw new InvalidToyInputException("a split needs two different positions but both are " + a);
        }
        String goal = "the weight split about equally between position " + a + " (\"" + ex.tokens().get(a) + "\") and position "
                + b + " (\"" + ex.tokens().get(b) + "\"): within " + Fmt.num(SPLIT_TOLERANCE) + " of each other, together at least "
                + Fmt.num(SPLIT_MIN_TOTAL) + ", with " + name(kind);
        return search(ex, kind, scaled, goal, w -> Math.max(0, Math.abs(w[a] - w[b]) - SPLIT_TOLERANCE)
                + Math.max(0, SPLIT_MIN_TOTAL - (w[a] + w[b])));
    }

    private interface Shortfall {
        double of(double[] weights);
    }

    private static Found search(HandoutExample ex, Normalize kind, boolean scaled, String goal, Shortfall shortfall) {
        int d = ex.query().length;
        if (d > MAX_DIMENSION) {
            throw new InvalidToyInputException("the query search walks a grid and supports queries of at most " + MAX_DIMENSION
                    + " numbers, but this query has " + d);
        }
        double scale = scaled ? 1.0 / Math.sqrt(d) : 1.0;
        double[] best = null;
        double[] bestWeights = null;
        double bestShortfall = Double.POSITIVE_INFINITY;
        int tried = 0;
        for (double[] q : candidates(d)) {
            double[] w = QueryAttention.weights(ex.keys(), q, scale, kind);
            tried++;
            if (w == null) {
                continue; // sum-normalisation undefined for this query: not a candidate
            }
            double s = shortfall.of(w);
            if (s == 0) {
                return new Found(goal, q, true, w, tried);
            }
            if (s < bestShortfall) {
                bestShortfall = s;
                best = q;
                bestWeights = w;
            }
        }
        return new Found(goal, best, false, bestWeights, tried);
    }

    /** Every grid vector, shortest first; ties in lexicographic order of components. */
    static List<double[]> candidates(int d) {
        int n = (int) Math.round(2 * RANGE / STEP) + 1;
        int total = (int) Math.pow(n, d);
        List<double[]> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            double[] q = new double[d];
            int rest = i;
            for (int c = d - 1; c >= 0; c--) {
                q[c] = -RANGE + (rest % n) * STEP;
                rest /= n;
            }
            all.add(q);
        }
        Comparator<double[]> byNorm = Comparator.comparingDouble(QuerySearch::squaredNorm);
        all.sort(byNorm.thenComparing(QuerySearch::lexicographic));
        return all;
    }

    private static double squaredNorm(double[] q) {
        return QueryAttention.dot(q, q);
    }

    private static int lexicographic(double[] a, double[] b) {
        for (int c = 0; c < a.length; c++) {
            int r = Double.compare(a[c], b[c]);
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    static String name(Normalize kind) {
        return kind == Normalize.SUM ? "sum-normalisation" : "softmax";
    }
}
