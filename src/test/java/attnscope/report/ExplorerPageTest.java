package attnscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The explorer page without a browser: what it stores, how exactly, and that hostile tokens stay text. */
class ExplorerPageTest {
    private static final String HOSTILE = "</script><img src=x onerror=alert(1)>";

    /** (H, T, T) causal softmax rows of random scores: the future exactly 0. */
    private static Tensor causalPattern(int heads, int t, long seed) {
        Random random = new Random(seed);
        float[] w = new float[heads * t * t];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double sum = 0;
                double[] e = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    e[j] = Math.exp(3 * random.nextGaussian());
                    sum += e[j];
                }
                for (int j = 0; j <= i; j++) {
                    w[(h * t + i) * t + j] = (float) (e[j] / sum);
                }
            }
        }
        return new Tensor(new int[] {heads, t, t}, w);
    }

    private static ExplorerPage.Source source(List<String> tokens, Tensor... layers) {
        List<Integer> numbers = java.util.stream.IntStream.range(0, layers.length).boxed().toList();
        return new ExplorerPage.Source("model", "test", tokens, numbers, 2, true, List.of(layers), List.of());
    }

    /** Decodes one stored head back to (T, T) as the page's script does. */
    private static float[][] decode(JsonNode head, int t) {
        byte[] q = Base64.getDecoder().decode(head.get("q").asText());
        ByteBuffer max = ByteBuffer.wrap(Base64.getDecoder().decode(head.get("rowMax").asText())).order(ByteOrder.LITTLE_ENDIAN);
        boolean lower = head.get("lower").asBoolean();
        float[][] w = new float[t][t];
        int k = 0;
        for (int i = 0; i < t; i++) {
            float step = max.getFloat() / 255;
            for (int j = 0; j < (lower ? i + 1 : t); j++) {
                w[i][j] = (q[k++] & 0xFF) * step;
            }
        }
        assertEquals(q.length, k, "every stored byte is used");
        return w;
    }

    private static JsonNode data(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"explorer-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "the page carries its data");
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void everyWeightIsWithinHalfAStepOfItsRowAndOnlyTheLowerTriangleIsStored() throws Exception {
        int t = 37;
        Tensor layer0 = causalPattern(4, t, 1);
        Tensor layer1 = causalPattern(4, t, 2);
        List<String> tokens = java.util.Collections.nCopies(t, "a");
        JsonNode model = data(ExplorerPage.html("t", false, source(tokens, layer0, layer1), ExplorerPage.handoutToy()))
                .get("sources").get(0);
        assertEquals(8, model.get("patterns").size(), "2 layers × 4 heads");
        for (int n = 0; n < 8; n++) {
            JsonNode head = model.get("patterns").get(n);
            assertTrue(head.get("lower").asBoolean(), "a causal head with a zero future stores its lower triangle");
            assertEquals(t * (t + 1) / 2, Base64.getDecoder().decode(head.get("q").asText()).length);
            float[] exact = (n < 4 ? layer0 : layer1).data();
            float[][] w = decode(head, t);
            for (int i = 0; i < t; i++) {
                float rowMax = 0;
                for (int j = 0; j < t; j++) {
                    rowMax = Math.max(rowMax, exact[((n % 4) * t + i) * t + j]);
                }
                for (int j = 0; j < t; j++) {
                    float x = exact[((n % 4) * t + i) * t + j];
                    // Half a step of the row, plus float rounding.
                    assertEquals(x, w[i][j], rowMax / 255 / 2 + 1e-6, "layer " + n / 4 + " head " + n % 4 + " [" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void aHeadWithANonzeroFutureWeightIsStoredWholeAndFlagged() throws Exception {
        int t = 6;
        Tensor p = causalPattern(2, t, 3);
        p.data()[(t + 1) * t + 4] = 0.25f; // head 1, query 1 → key 4: above the diagonal
        JsonNode heads = data(ExplorerPage.html("t", false, source(java.util.Collections.nCopies(t, "a"), p),
                ExplorerPage.handoutToy())).get("sources").get(0).get("patterns");
        assertTrue(heads.get(0).get("lower").asBoolean());
        assertFalse(heads.get(0).has("aboveNonzero"));
        JsonNode odd = heads.get(1);
        assertFalse(odd.get("lower").asBoolean(), "stored whole, so the page can show the nonzero future weight");
        assertEquals(1, odd.get("aboveNonzero").asInt());
        assertEquals(0.25, odd.get("aboveMax").asDouble(), 1e-7);
        assertEquals(0.25f, decode(odd, t)[1][4], 0.25f / 255);
    }

    @Test
    void anEncoderIsStoredWholeWithNothingMasked() throws Exception {
        int t = 5;
        float[] w = new float[t * t];
        java.util.Arrays.fill(w, 1f / t); // a bidirectional head: every key, before and after
        ExplorerPage.Source encoder = new ExplorerPage.Source("model", "bert", java.util.Collections.nCopies(t, "a"), List.of(0), 1,
                false, List.of(new Tensor(new int[] {1, t, t}, w)), List.of());
        JsonNode model = data(ExplorerPage.html("t", false, encoder, ExplorerPage.handoutToy())).get("sources").get(0);
        assertFalse(model.get("causal").asBoolean());
        JsonNode head = model.get("patterns").get(0);
        assertFalse(head.get("lower").asBoolean(), "the upper triangle holds real weights");
        assertFalse(head.has("aboveNonzero"), "weights after the query are no fault in an encoder");
        assertEquals(0.2f, decode(head, t)[0][4], 1e-6);
    }

    @Test
    void hostileTokensStayInsideTheDataAsText() throws Exception {
        int t = 3;
        List<String> tokens = List.of("a", HOSTILE, "{{JS}}");
        String html = ExplorerPage.html(HOSTILE, false, source(tokens, causalPattern(2, t, 4)), ExplorerPage.handoutToy());
        assertFalse(html.contains("<img"), "no token or title turns into markup");
        assertEquals(2, html.split("</script>", -1).length - 1, "only the page's own two script elements end");
        JsonNode model = data(html).get("sources").get(0);
        assertEquals(HOSTILE, model.get("tokens").get(1).asText(), "the token itself is kept, escaped");
        assertEquals("{{JS}}", model.get("tokens").get(2).asText(), "a value put into the template is not filled again");
        assertEquals(1, html.split("'use strict';", -1).length - 1, "the script is in once");
    }

    @Test
    void theToyIsTheHandoutsLastRowInTheSameForm() throws Exception {
        JsonNode toy = data(ExplorerPage.html("t", false, source(List.of("a", "b"), causalPattern(2, 2, 5)), ExplorerPage.handoutToy()))
                .get("sources").get(1);
        assertEquals(List.of("the", "cat", "chases", "the"),
                new ObjectMapper().convertValue(toy.get("tokens"), List.class));
        // The handout's query [2, 3] against keys [1 0; 3 1; 0 3; 2 0]: scores 2, 9, 9, 4, softmax.
        double[] s = {2, 9, 9, 4};
        double sum = 0;
        for (double x : s) {
            sum += Math.exp(x);
        }
        float[] last = decode(toy.get("patterns").get(0), 4)[3];
        for (int j = 0; j < 4; j++) {
            assertEquals(Math.exp(s[j]) / sum, last[j], 0.5 / 255 + 1e-6, "toy key " + j);
        }
    }

    @Test
    void fillPutsEachValueInOnce() {
        assertEquals("a<x>b{{A}}c", ExplorerPage.fill("a{{A}}b{{B}}c", Map.of("A", "<x>", "B", "{{A}}")));
    }
}
