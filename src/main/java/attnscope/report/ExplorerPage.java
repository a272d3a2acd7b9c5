package attnscope.report;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.render.FigureOptions;
import attnscope.render.TokenLabels;
import attnscope.render.Viridis;
import attnscope.tensor.Tensor;
import attnscope.toy.MatrixAttention;
import attnscope.toy.MatrixExample;
import attnscope.toy.ToyInput;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interactive attention explorer: one self-contained HTML page (explorer.html) holding the
 * attention of every captured layer × head, the tokens and the checks' verdicts, with the
 * explorer's script and style (src/main/resources/explorer/) inlined. Nothing is fetched.
 *
 * <p>How the weights are stored: each query row of a head is scaled to its own largest weight and
 * rounded to 8 bits, stored = round(255 · w / rowMax), with rowMax kept as a float32. The step is
 * rowMax / 255 ≤ 1/255, so every weight the page shows is within half a step of the model's; the
 * exact values are in the .npy files. When the model is causal and a head's weights above the
 * diagonal are exactly 0, only the lower triangle is stored (T(T+1)/2 bytes); a head with any
 * nonzero weight there is stored whole and listed on the page, never drawn as masked.
 *
 * <p>Token strings are hostile input: they travel as JSON inside a script element with every
 * {@code <}, {@code >} and {@code &} written as a \\u escape, and the script puts them into the
 * page as text, never as markup.
 */
public final class ExplorerPage {
    /** The file name in a report folder (CONTRACT.md). */
    public static final String FILE = "explorer.html";
    /** Bits per stored weight. */
    static final int BITS = 8;
    private static final int LEVELS = (1 << BITS) - 1;
    /** Side of a head's thumbnail in the layer × head grid, in blocks (or T when smaller). */
    static final int THUMB = 32;

    /**
     * One set of attention patterns to explore: the model's, or the toy's.
     *
     * @param name      what the page calls it ("model", "toy")
     * @param title     one line describing it
     * @param tokens    the tokens as the tokenizer wrote them, one per position
     * @param layers    the layer numbers, ascending
     * @param kvHeads   key/value heads per layer (query heads are grouped by the one they share)
     * @param causal    whether the future is masked
     * @param patterns  per layer, (H, T, T) weights
     * @param checks    the checks of this run (empty: none were made)
     */
    public record Source(String name, String title, List<String> tokens, List<Integer> layers, int kvHeads, boolean causal,
            List<Tensor> patterns, List<CheckResult> checks) {
    }

    private ExplorerPage() {
    }

    /** The page for an inspection, titled by its model and the start of its text. */
    public static String html(InspectionResult r) {
        String text = String.join("", TokenLabels.display(r.tokens())).replace(TokenLabels.display(" "), " ");
        return html(r, "attnscope explorer: " + r.config().modelType() + ", \""
                + (text.length() > 60 ? text.substring(0, 59) + "…" : text).strip() + "\"");
    }

    /** The page for an inspection, with the handout's toy beside it. */
    public static String html(InspectionResult r, String title) {
        return html(title, r.config().synthetic(), fromInspection(r), handoutToy());
    }

    /** The model's patterns of an inspection as a source. */
    public static Source fromInspection(InspectionResult r) {
        List<Tensor> patterns = new ArrayList<>();
        for (int layer : r.layers()) {
            patterns.add(r.model().get(layer, Site.PATTERN)); // (H, T, T)
        }
        String what = r.config().modelType() + ", " + r.config().layers() + " layers × " + r.config().heads() + " heads ("
                + r.config().kvHeads() + " key/value heads), " + r.attentionStyle() + " attention";
        return new Source("model", what, r.tokens(), r.layers(), r.config().kvHeads(), r.causal(), patterns, r.checks());
    }

    /**
     * The handout's "the cat chases the" as a one-head source: the handout's keys and the query of
     * the last "the" ([2, 3]); the first three queries are the made-up ones of examples/toy/matrix.txt
     * so that every row differs. Causal, and not divided by √d, as on the handout.
     */
    public static Source handoutToy() {
        MatrixExample ex = MatrixExample.from(ToyInput.builtIn("matrix"));
        MatrixAttention.Result m = MatrixAttention.compute(ex, false, true);
        int t = ex.length();
        float[] w = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                w[i * t + j] = (float) m.weights()[i][j];
            }
        }
        return new Source("toy", "the handout's toy: keys and the last query from the handout, the first three queries made up "
                + "(examples/toy/matrix.txt); causal, softmax(q·k) without ÷√d as on the handout", ex.tokens(), List.of(0), 1, true,
                List.of(new Tensor(new int[] {1, t, t}, w)), List.of());
    }

    /** The page: the template with the style, the data and the script put in. */
    public static String html(String title, boolean synthetic, Source model, Source toy) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", title);
        data.put("synthetic", synthetic ? FigureOptions.SYNTHETIC_LABEL : null);
        data.put("bits", BITS);
        data.put("viridis", viridis());
        data.put("sources", List.of(encode(model), encode(toy)));
        String json;
        try {
            json = new ObjectMapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the explorer's data did not serialise", e);
        }
        return fill(resource("explorer.html"), Map.of(
                "TITLE", HtmlWriter.escape(title),
                "CSS", resource("explorer.css"),
                "DATA", scriptSafe(json),
                "JS", resource("explorer.js")));
    }

    /** One source as the page reads it: tokens, labels, checks and each head's stored weights. */
    static Map<String, Object> encode(Source s) {
        Map<String, Object> out = new LinkedHashMap<>();
        int t = s.tokens().size();
        int heads = s.patterns().get(0).dim(0);
        out.put("name", s.name());
        out.put("title", s.title());
        out.put("tokens", s.tokens());
        out.put("labels", TokenLabels.display(s.tokens()));
        out.put("layers", s.layers());
        out.put("heads", heads);
        out.put("kvHeads", s.kvHeads());
        out.put("causal", s.causal());
        out.put("thumb", Math.min(THUMB, t));
        List<Map<String, Object>> stored = new ArrayList<>();
        for (int li = 0; li < s.layers().size(); li++) {
            Tensor p = s.patterns().get(li);
            if (p.dim(1) != t || p.dim(2) != t || p.dim(0) != heads) {
                throw new IllegalArgumentException("layer " + s.layers().get(li) + ": pattern " + java.util.Arrays.toString(p.shape())
                        + " is not (" + heads + ", " + t + ", " + t + ")");
            }
            for (int h = 0; h < heads; h++) {
                stored.add(encodeHead(p.data(), h * t * t, t, s.causal()));
            }
        }
        out.put("patterns", stored); // layer-major: index = layerIndex · H + head
        List<String> names = new ArrayList<>();
        List<List<Object>> checks = new ArrayList<>();
        for (CheckResult c : s.checks()) {
            int name = names.indexOf(c.check());
            if (name < 0) {
                name = names.size();
                names.add(c.check());
            }
            checks.add(List.of(c.layer(), c.head(), name, c.passed() ? 1 : 0, finite(c.value()), finite(c.limit())));
        }
        out.put("checkNames", names);
        out.put("checks", checks); // [layer, head (-1: whole layer), name index, passed, value, limit]
        return out;
    }

    /**
     * One head, (T, T) from {@code offset}: rowMax as float32 (T), the rows 8-bit (lower triangle
     * only when the upper one is exactly 0 in a causal model), and the thumbnail of the grid.
     */
    static Map<String, Object> encodeHead(float[] w, int offset, int t, boolean causal) {
        int aboveNonzero = 0;
        float aboveMax = 0;
        if (causal) {
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    float x = w[offset + i * t + j];
                    if (x != 0f) {
                        aboveNonzero++;
                        aboveMax = Math.max(aboveMax, Math.abs(x));
                    }
                }
            }
        }
        boolean lower = causal && aboveNonzero == 0;
        ByteBuffer rowMax = ByteBuffer.allocate(4 * t).order(ByteOrder.LITTLE_ENDIAN);
        byte[] q = new byte[lower ? t * (t + 1) / 2 : t * t];
        int k = 0;
        for (int i = 0; i < t; i++) {
            int end = lower ? i + 1 : t;
            float max = 0;
            for (int j = 0; j < end; j++) {
                max = Math.max(max, w[offset + i * t + j]);
            }
            rowMax.putFloat(max);
            for (int j = 0; j < end; j++) {
                float x = w[offset + i * t + j];
                q[k++] = (byte) (max > 0 && x > 0 ? Math.round(Math.min(1f, x / max) * LEVELS) : 0);
            }
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("lower", lower);
        if (aboveNonzero > 0) {
            head.put("aboveNonzero", aboveNonzero);
            head.put("aboveMax", aboveMax);
        }
        head.put("rowMax", Base64.getEncoder().encodeToString(rowMax.array()));
        head.put("q", Base64.getEncoder().encodeToString(q));
        head.put("thumb", Base64.getEncoder().encodeToString(thumbnail(w, offset, t, causal && lower)));
        return head;
    }

    /**
     * (S, S) blocks, S = min(T, {@link #THUMB}): the largest weight in each block, 0..254 on the
     * linear scale, or 255 where every cell of the block is masked. The largest (not the mean) so
     * that a one-cell-wide diagonal or first column still shows at thumbnail size.
     */
    static byte[] thumbnail(float[] w, int offset, int t, boolean masked) {
        int s = Math.min(THUMB, t);
        byte[] out = new byte[s * s];
        for (int bi = 0; bi < s; bi++) {
            int i0 = bi * t / s;
            int i1 = (bi + 1) * t / s;
            for (int bj = 0; bj < s; bj++) {
                int j0 = bj * t / s;
                int j1 = (bj + 1) * t / s;
                float max = 0;
                boolean any = false;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        if (!masked || j <= i) {
                            any = true;
                            max = Math.max(max, w[offset + i * t + j]);
                        }
                    }
                }
                out[bi * s + bj] = (byte) (any ? Math.round(Math.min(1f, Math.max(0f, max)) * (LEVELS - 1)) : LEVELS);
            }
        }
        return out;
    }

    private static int[] viridis() {
        int[] table = new int[Viridis.SIZE];
        for (int i = 0; i < table.length; i++) {
            table[i] = Viridis.entry(i);
        }
        return table;
    }

    /** JSON has no NaN or infinity: those become null (the page shows "n/a"). */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * JSON that cannot end or open anything inside a script element: {@code <}, {@code >} and
     * {@code &} occur only inside JSON strings, where \\u escapes mean the same characters; so do
     * U+2028 and U+2029, which old JavaScript parsers read as line ends.
     */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /** The template with each {{NAME}} replaced once, in one pass: what is put in is never searched again. */
    static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + values.values().stream().mapToInt(String::length).sum());
        int at = 0;
        while (true) {
            int open = template.indexOf("{{", at);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            String name = template.substring(open + 2, close);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("explorer.html names {{" + name + "}}, which the writer does not fill");
            }
            out.append(template, at, open).append(value);
            at = close + 2;
        }
        return out.append(template, at, template.length()).toString();
    }

    private static String resource(String name) {
        try (InputStream in = ExplorerPage.class.getResourceAsStream("/explorer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("explorer/" + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
