package attnscope.report;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes summary.json exactly as CONTRACT.md describes it: model facts, tokens and ids, the
 * per-layer shapes, every check (one per line, so a diff or grep finds a layer and head), and
 * whether all passed. Numbers that JSON cannot hold (an unbounded limit, NaN from a tensor that
 * could not be compared) are written as null. The same result always gives the same bytes.
 */
public final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SummaryJson() {
    }

    /** Writes atomically: a temporary file beside the target, then a rename. */
    public static void write(Path file, InspectionResult r) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(toJson(r).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static String toJson(InspectionResult r) throws JsonProcessingException {
        ModelConfig c = r.config();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("layers", c.layers());
        model.put("heads", c.heads());
        model.put("kvHeads", c.kvHeads());
        model.put("headDim", c.headDim());
        model.put("hidden", c.hidden());
        model.put("attentionStyle", r.attentionStyle());
        model.put("causal", r.causal());

        // Shapes as captured in the first inspected layer (every layer of a model has the same).
        int first = r.layers().get(0);
        Map<String, Object> shapes = new LinkedHashMap<>();
        for (Site site : Site.values()) {
            if (r.model().has(first, site)) {
                shapes.put(site.shortName(), r.model().get(first, site).shape());
            }
        }

        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"model\": ").append(JSON.writeValueAsString(model)).append(",\n");
        s.append("  \"tokens\": ").append(JSON.writeValueAsString(r.tokens())).append(",\n");
        s.append("  \"ids\": ").append(JSON.writeValueAsString(r.ids())).append(",\n");
        s.append("  \"shapes\": ").append(JSON.writeValueAsString(shapes)).append(",\n");
        if (!r.patternSources().isEmpty()) {
            // Per layer: is the pattern ONNX Runtime's own, or recomputed by the reference only, and why.
            List<Map<String, Object>> patterns = new java.util.ArrayList<>();
            r.patternSources().forEach((layer, source) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("layer", layer);
                p.put("source", source.origin());
                p.put("kind", source.kind());
                p.put("how", source.how());
                patterns.add(p);
            });
            s.append("  \"patternSources\": ").append(JSON.writeValueAsString(patterns)).append(",\n");
        }
        s.append("  \"checks\": [");
        List<CheckResult> checks = r.checks();
        for (int i = 0; i < checks.size(); i++) {
            s.append(i == 0 ? "\n    " : ",\n    ").append(JSON.writeValueAsString(entry(checks.get(i))));
        }
        s.append(checks.isEmpty() ? "],\n" : "\n  ],\n");
        s.append("  \"passed\": ").append(r.passed()).append("\n}\n");
        return s.toString();
    }

    private static Map<String, Object> entry(CheckResult c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", c.layer());
        m.put("head", c.head());
        m.put("check", c.check());
        m.put("passed", c.passed());
        m.put("value", Double.isFinite(c.value()) ? c.value() : null);
        m.put("limit", Double.isFinite(c.limit()) ? c.limit() : null);
        return m;
    }

}
