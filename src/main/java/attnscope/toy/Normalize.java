package attnscope.toy;

/** How scores become weights: the handout's division by the sum, or softmax. */
public enum Normalize {
    /** w_j = s_j / Σ s_k: the handout's first attempt; only defined for scores ≥ 0 with a positive sum. */
    SUM,
    /** w_j = e^{s_j} / Σ e^{s_k}: what models use; defined for any real scores. */
    SOFTMAX
}
