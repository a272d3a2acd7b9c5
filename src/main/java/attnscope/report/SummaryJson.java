package attnscope.report;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes summary.json exactly as CONTRACT.md describes it: model facts, tokens and ids, the
 * per-layer shapes, every check, and whether all passed. Numbers that JSON cannot hold (an
 * unbounded limit, a NaN from a tensor that could not be compared) are written as null. The
 * same result always gives the same bytes.
 */
public final class SummaryJson {
    private SummaryJson() {
    }

    /** Writes atomically: a temporary file beside the target, then a rename. */
    public static void write(Path file, InspectionResult r) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(out, r);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static void write(OutputStream out, InspectionResult r) throws IOException {
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter();
        pretty.indentArraysWith(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        pretty.indentObjectsWith(new DefaultIndenter("  ", "\n"));
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(pretty);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            ModelConfig c = r.config();
            g.writeStartObject();
            g.writeObjectFieldStart("model");
            g.writeNumberField("layers", c.layers());
            g.writeNumberField("heads", c.heads());
            g.writeNumberField("kvHeads", c.kvHeads());
            g.writeNumberField("headDim", c.headDim());
            g.writeNumberField("hidden", c.hidden());
            g.writeStringField("attentionStyle", r.attentionStyle());
            g.writeBooleanField("causal", r.causal());
            g.writeEndObject();

            g.writeArrayFieldStart("tokens");
            for (String t : r.tokens()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ids");
            for (int id : r.ids()) {
                g.writeNumber(id);
            }
            g.writeEndArray();

            // Shapes as captured in the first inspected layer (every layer of a model has the same).
            int first = r.layers().get(0);
            g.writeObjectFieldStart("shapes");
            for (Site site : Site.values()) {
                if (r.model().has(first, site)) {
                    g.writeArrayFieldStart(site.shortName());
                    for (int d : r.model().get(first, site).shape()) {
                        g.writeNumber(d);
                    }
                    g.writeEndArray();
                }
            }
            g.writeEndObject();

            g.writeArrayFieldStart("checks");
            for (CheckResult check : r.checks()) {
                g.writeStartObject();
                g.writeNumberField("layer", check.layer());
                g.writeNumberField("head", check.head());
                g.writeStringField("check", check.check());
                g.writeBooleanField("passed", check.passed());
                number(g, "value", check.value());
                number(g, "limit", check.limit());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("passed", r.passed());
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }
}
