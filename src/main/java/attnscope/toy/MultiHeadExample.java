package attnscope.toy;

import java.util.ArrayList;
import java.util.List;

/**
 * Several heads over the same tokens, each with its own query, keys and values, as on the
 * handout but once per head. Real models do this with H heads of d = 64; here 2 heads of 2.
 *
 * @param heads one single-query example per head, all over the same tokens
 */
public record MultiHeadExample(List<HandoutExample> heads) {

    public MultiHeadExample {
        heads = List.copyOf(heads);
        if (heads.size() < 2) {
            throw new InvalidToyInputException("several heads means at least 2, but found " + heads.size());
        }
        for (HandoutExample h : heads) {
            if (!h.tokens().equals(heads.get(0).tokens())) {
                throw new InvalidToyInputException("every head must see the same tokens");
            }
        }
    }

    /**
     * kind = heads: tokens, heads = H, then head.1.query, head.1.keys, head.1.values, head.2.…
     * (heads numbered from 1, as they are usually named), optional query-position.
     */
    public static MultiHeadExample from(ToyInput in) {
        List<String> tokens = in.tokens("tokens");
        int h = in.integer("heads", 2);
        if (h < 2) {
            throw new InvalidToyInputException(in.where("heads") + ": several heads means at least 2, but found " + h);
        }
        int position = in.integer("query-position", tokens.size() - 1);
        List<HandoutExample> heads = new ArrayList<>();
        for (int i = 1; i <= h; i++) {
            String p = "head." + i + ".";
            try {
                heads.add(new HandoutExample(tokens, in.vector(p + "query"), position, in.matrix(p + "keys"), in.matrix(p + "values")));
            } catch (InvalidToyInputException e) {
                throw e.getMessage().startsWith(in.source()) ? e : new InvalidToyInputException("head " + i + ": " + e.getMessage());
            }
        }
        return new MultiHeadExample(heads);
    }

    /**
     * Each head's result and the concatenated output, [z_1 | z_2 | …], the vector o_proj would
     * receive.
     */
    public record Result(List<QueryAttention.Result> heads, double[] concatenated) {
    }

    /** Every head with softmax (what models use), optionally scaled. */
    public Result compute(boolean scaled) {
        List<QueryAttention.Result> results = new ArrayList<>();
        int total = 0;
        for (HandoutExample h : heads) {
            QueryAttention.Result r = QueryAttention.compute(h, scaled);
            results.add(r);
            total += r.softmax().output().length;
        }
        double[] concat = new double[total];
        int at = 0;
        for (QueryAttention.Result r : results) {
            double[] z = r.softmax().output();
            System.arraycopy(z, 0, concat, at, z.length);
            at += z.length;
        }
        return new Result(List.copyOf(results), concat);
    }
}
