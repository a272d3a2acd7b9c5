package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.onnx.OnnxGraph;
import attnscope.synth.ByteLevelTokenizer;
import attnscope.testing.Cli;
import attnscope.testing.MicrosoftAttentionModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * com.microsoft:Attention cannot return its weights and never exposes Q, K and V: attnscope rewrites it
 * as ordinary ops in the hooked graph, and the hooked-vs-untouched logits check proves the rewrite
 * computes what the fused op computes. What the rewrite cannot reproduce is refused with exit 4,
 * naming the attribute or input.
 */
class UnfusedAttentionTest {
    private static final String IDS = "116,104,101,32,99,97,116,32,99,104,97,115,101,115,32,116,104,101,32,109,111,117,115,101";

    @TempDir
    Path tmp;

    private Path model(String name, Consumer<NodeProto.Builder> edit) throws Exception {
        return MicrosoftAttentionModel.write(tmp.resolve(name), ByteLevelTokenizer.json(), edit);
    }

    @Test
    void opensWithThePatternOfTheRewrittenOpAndTheLogitsOfTheFusedOne() throws Exception {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("inspect", "--model", model("ok", n -> { }).toString(), "--ids", IDS, "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals("unfused com.microsoft:Attention", summary.get("model").get("attentionStyle").asText());
        JsonNode source = summary.get("patternSources").get(0);
        assertEquals("model", source.get("source").asText());
        assertTrue(source.get("kind").asText().contains("rewritten as ordinary ops"), source.toString());
        boolean logitsCompared = false;
        for (JsonNode c : summary.get("checks")) {
            assertTrue(c.get("passed").asBoolean(), c.toString());
            logitsCompared |= c.get("check").asText().equals("logits");
        }
        assertTrue(logitsCompared, "the rewrite is checked against the fused op's logits");
    }

    @Test
    void aFusedOpThatSeesTheFutureIsCaught() throws Exception {
        Path out = tmp.resolve("out");
        Path m = model("bidirectional", n -> replaceInt(n, "unidirectional", 0));
        Cli.Run r = Cli.run("inspect", "--model", m.toString(), "--ids", IDS, "--out", out.toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("the mask lets a token see the future"), r.out());
    }

    @Test
    void whatCannotBeRewrittenFaithfullyIsRefusedNamingIt() throws Exception {
        Cli.Run rotary = Cli.run("inspect", "--model", model("rotary", n -> n.addAttribute(OnnxGraph.intAttributeProto("do_rotary", 1)))
                .toString(), "--ids", IDS, "--out", tmp.resolve("o1").toString());
        assertEquals(4, rotary.exit(), rotary.err());
        assertTrue(rotary.err().contains("do_rotary"), rotary.err());
        Cli.Run unknown = Cli.run("inspect", "--model", model("unknown", n -> n.addAttribute(OnnxGraph.intAttributeProto("cache_indirection_mode", 1)))
                .toString(), "--ids", IDS, "--out", tmp.resolve("o2").toString());
        assertEquals(4, unknown.exit(), unknown.err());
        assertTrue(unknown.err().contains("cache_indirection_mode"), unknown.err());
        assertFalse(unknown.err().contains("\tat "), "one line, no stack trace: " + unknown.err());
        assertFalse(Files.exists(tmp.resolve("o2").resolve("summary.json")));
    }

    private static void replaceInt(NodeProto.Builder n, String name, long value) {
        for (int i = n.getAttributeCount() - 1; i >= 0; i--) {
            if (n.getAttribute(i).getName().equals(name)) {
                n.removeAttribute(i);
            }
        }
        n.addAttribute(OnnxGraph.intAttributeProto(name, value));
    }
}
