package attnscope.toy;

import java.util.List;

/**
 * One query attending over T tokens, as on the handout: a query vector (d), a key (d) and a
 * value (d_v) per token.
 *
 * @param tokens        T token strings, in order
 * @param query         (d) the query vector
 * @param queryPosition which token the query belongs to (the handout: the last "the", 3)
 * @param keys          (T, d)
 * @param values        (T, d_v)
 */
public record HandoutExample(List<String> tokens, double[] query, int queryPosition, double[][] keys, double[][] values) {

    public HandoutExample {
        tokens = List.copyOf(tokens);
        int t = tokens.size();
        if (keys.length != t) {
            throw new InvalidToyInputException("expected one key per token (" + t + " tokens) but found " + keys.length + " keys");
        }
        if (values.length != t) {
            throw new InvalidToyInputException("expected one value per token (" + t + " tokens) but found " + values.length + " values");
        }
        for (int j = 0; j < t; j++) {
            if (keys[j].length != query.length) {
                throw new InvalidToyInputException("key " + j + " (\"" + tokens.get(j) + "\") has " + keys[j].length
                        + " numbers but the query has " + query.length + ": a dot product needs equal lengths");
            }
            if (values[j].length != values[0].length) {
                throw new InvalidToyInputException("value " + j + " (\"" + tokens.get(j) + "\") has " + values[j].length
                        + " numbers but value 0 has " + values[0].length);
            }
        }
        if (queryPosition < 0 || queryPosition >= t) {
            throw new InvalidToyInputException("query position " + queryPosition + " is outside 0.." + (t - 1));
        }
    }

    /** Reads kind = handout fields: tokens, query, keys, values, optional query-position (default T − 1). */
    public static HandoutExample from(ToyInput in) {
        List<String> tokens = in.tokens("tokens");
        return new HandoutExample(tokens, in.vector("query"), in.integer("query-position", tokens.size() - 1),
                in.matrix("keys"), in.matrix("values"));
    }

    public int length() {
        return tokens.size();
    }

    /** The same example with another query vector (the discussion questions, the search). */
    public HandoutExample withQuery(double[] q) {
        return new HandoutExample(tokens, q, queryPosition, keys, values);
    }

    /**
     * The position a user means by "cat" or "1": a position number, or a token that occurs
     * exactly once.
     */
    public int position(String tokenOrPosition) {
        String s = tokenOrPosition.strip();
        if (s.matches("\\d+")) {
            int p = Integer.parseInt(s);
            if (p >= tokens.size()) {
                throw new InvalidToyInputException("position " + p + " is outside 0.." + (tokens.size() - 1));
            }
            return p;
        }
        int found = -1;
        for (int j = 0; j < tokens.size(); j++) {
            if (tokens.get(j).equals(s)) {
                if (found >= 0) {
                    throw new InvalidToyInputException("\"" + s + "\" occurs at positions " + found + " and " + j
                            + ": give the position number instead");
                }
                found = j;
            }
        }
        if (found < 0) {
            throw new InvalidToyInputException("no token \"" + s + "\" among " + tokens + " (give a token or a position number)");
        }
        return found;
    }
}
