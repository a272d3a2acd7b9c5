package attnscope.toy;

/** Text for several heads: each head's softmax table, then the concatenated output. */
public final class HeadsText {
    private HeadsText() {
    }

    public static String render(MultiHeadExample.Result r) {
        StringBuilder sb = new StringBuilder();
        int h = r.heads().size();
        HandoutExample first = r.heads().get(0).example();
        sb.append(h).append(" heads over the same tokens, each with its own query, keys and values; softmax in each;\n")
                .append("the outputs are concatenated, [z_1 | z_2 | …], the input of the output projection.\n");
        sb.append("Tokens: ").append(String.join(" ", first.tokens())).append("   query position ").append(first.queryPosition())
                .append(" (\"").append(first.tokens().get(first.queryPosition())).append("\")\n");
        for (int i = 0; i < h; i++) {
            QueryAttention.Result head = r.heads().get(i);
            sb.append("\nHead ").append(i + 1).append(": query ").append(Fmt.vec(head.example().query())).append("\n\n");
            sb.append(HandoutText.softmaxTable(head));
        }
        sb.append("\nConcatenated output (").append(r.concatenated().length).append(" numbers = ");
        StringBuilder parts = new StringBuilder();
        for (int i = 0; i < h; i++) {
            parts.append(i > 0 ? " + " : "").append(r.heads().get(i).softmax().output().length);
        }
        sb.append(parts).append("):\n  ");
        for (int i = 0; i < h; i++) {
            sb.append(i > 0 ? " | " : "").append(Fmt.vec(r.heads().get(i).softmax().output()));
        }
        sb.append("\n  = ").append(Fmt.vec(r.concatenated())).append('\n');
        sb.append("\nEach head puts its weight on different tokens:\n");
        for (int i = 0; i < h; i++) {
            double[] w = r.heads().get(i).softmax().weights();
            int best = 0;
            for (int j = 1; j < w.length; j++) {
                if (w[j] > w[best]) {
                    best = j;
                }
            }
            sb.append("  head ").append(i + 1).append(": most on position ").append(best).append(" (\"")
                    .append(first.tokens().get(best)).append("\"), ").append(Fmt.percent(w[best])).append('\n');
        }
        return sb.toString();
    }
}
