package attnscope.toy;

import attnscope.tensor.Shapes;
import java.util.List;
import java.util.Locale;

/** Text for the shape exercises: the tensors of one layer, the score memory, its growth with T. */
public final class ShapesText {
    private ShapesText() {
    }

    public static String render(AttentionShapes s, String modelName, List<Integer> lengths) {
        int t = s.tokens();
        int group = s.heads() / s.kvHeads();
        StringBuilder sb = new StringBuilder();
        sb.append("Attention shapes for ").append(modelName).append(": ").append(s.layers()).append(" layers, H = ")
                .append(s.heads()).append(" query heads, Hkv = ").append(s.kvHeads()).append(" key/value heads, d = ")
                .append(s.headDim()).append('\n');
        sb.append("T = ").append(t).append(" tokens\n\n");
        String share = group == 1 ? "one per query head (multi-head attention)"
                : "each shared by " + group + " query heads (grouped-query attention: head h reads K/V head h / " + group + ")";
        TextTable table = new TextTable("tensor", "per head", "all heads, one layer", "note");
        table.row("Q", dims(s.perHeadVectors()), dims(s.q()), "queries (after rotary)");
        table.row("K", dims(s.perHeadVectors()), dims(s.kv()), share);
        table.row("V", dims(s.perHeadVectors()), dims(s.kv()), share);
        table.row("scores Q·Kᵀ/√d", dims(s.perHeadScores()), dims(s.scores()), "one number per (query, key) pair, + mask");
        table.row("pattern", dims(s.perHeadScores()), dims(s.scores()), "softmax of each row: rows sum to 1");
        table.row("output z", dims(s.perHeadVectors()), dims(s.z()), "pattern · V");
        table.row("concat(z)", "", dims(s.concat()), "the heads side by side (H·d = " + s.heads() * s.headDim() + "), input of o_proj");
        sb.append(table.render()).append('\n');
        sb.append("Score entries: ").append(s.heads()).append(" × ").append(t).append(" × ").append(t).append(" = ")
                .append(count(s.scoreEntriesPerLayer())).append(" per layer = ").append(bytes(s.scoreBytesPerLayer()))
                .append(" in fp32 (4 bytes each);\n");
        sb.append("× ").append(s.layers()).append(" layers = ").append(count(s.scoreEntriesModel())).append(" = ")
                .append(bytes(s.scoreBytesModel())).append(" for the whole model.\n");
        sb.append("K and V together: 2 × ").append(s.kvHeads()).append(" × ").append(t).append(" × ").append(s.headDim())
                .append(" = ").append(count(s.kvEntriesPerLayer())).append(" numbers per layer.\n\n");

        sb.append("How the scores grow with T (fp32, all heads)\n\n");
        TextTable g = new TextTable("T", "entries per layer", "memory per layer", "whole model (" + s.layers() + " layers)",
                "vs previous T").rightAlign(0, 1, 2, 3);
        AttentionShapes previous = null;
        for (int len : lengths) {
            AttentionShapes a = s.withTokens(len);
            String ratio = "";
            if (previous != null) {
                ratio = "T × " + num((double) len / previous.tokens()) + " → memory × "
                        + num((double) a.scoreBytesPerLayer() / previous.scoreBytesPerLayer());
            }
            g.row(count(len), count(a.scoreEntriesPerLayer()), bytes(a.scoreBytesPerLayer()), bytes(a.scoreBytesModel()), ratio);
            previous = a;
        }
        sb.append(g.render()).append('\n');
        sb.append("Every head scores every query against every key: a T × T matrix, so the memory is O(T²).\n");
        sb.append("Doubling T quadruples it; K and V grow only linearly (2 × Hkv × T × d).\n");
        return sb.toString();
    }

    /** "14 × 50 × 64" */
    static String dims(int[] shape) {
        return Shapes.times(shape);
    }

    /** 35000 → "35,000" */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String num(double x) {
        return Fmt.num(Math.round(x * 100) / 100.0);
    }

    /** Binary units, three significant digits: 140000 → "136.7 KiB (140,000 bytes)". */
    public static String bytes(long b) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? count(b) + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
