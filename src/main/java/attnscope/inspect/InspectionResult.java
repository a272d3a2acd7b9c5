package attnscope.inspect;

import attnscope.capture.ActivationCache;
import attnscope.check.CheckResult;
import attnscope.model.ModelConfig;
import java.util.List;

/**
 * Everything one inspection found: the model's facts, the tokens, the tensors the model computed
 * and the reference recomputed, and the checks. figures, lesson and bench build on this.
 *
 * @param config          the model's config.json
 * @param attentionStyle  "decomposed", "fused-gqa", "bert", ... as detected in the graph
 * @param causal          whether the model masks the future (a bidirectional encoder is not causal)
 * @param tokens          token strings as the tokenizer wrote them ("Ġcat"), one per position
 * @param ids             token ids, one per position
 * @param layers          the layers captured, ascending
 * @param model           tensors as ONNX Runtime computed them (Site.Q, K, V, PATTERN, Z per layer)
 * @param reference       tensors as the reference recomputed them (PATTERN and Z per layer)
 * @param checks          every check, in order
 * @param patternSources  per captured layer: the model's own pattern (and from which node) or the reference's only, and why
 */
public record InspectionResult(ModelConfig config, String attentionStyle, boolean causal,
        List<String> tokens, int[] ids, List<Integer> layers,
        ActivationCache model, ActivationCache reference, List<CheckResult> checks,
        java.util.Map<Integer, attnscope.capture.PatternSource> patternSources) {

    public InspectionResult {
        // Sorted by layer: Map.copyOf's iteration order changes from one JVM run to the next, and the
        // summary and summary.json must be byte-identical for the same input.
        patternSources = java.util.Collections.unmodifiableSortedMap(
                new java.util.TreeMap<>(patternSources == null ? java.util.Map.of() : patternSources));
    }

    /** Without pattern sources (a result not made by a hooked run, such as the toy's). */
    public InspectionResult(ModelConfig config, String attentionStyle, boolean causal, List<String> tokens, int[] ids,
            List<Integer> layers, ActivationCache model, ActivationCache reference, List<CheckResult> checks) {
        this(config, attentionStyle, causal, tokens, ids, layers, model, reference, checks, java.util.Map.of());
    }

    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }
}
