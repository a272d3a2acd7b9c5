/**
 * Synthetic Qwen2-architecture models: the real graph structure (embedding, RMSNorm, q/k/v
 * projections with bias, rotary embedding, grouped-query attention with a causal mask, SwiGLU
 * MLP, tied lm_head) with seeded random weights, written as a Hugging Face model folder
 * ({@code config.json}, {@code model.onnx} + {@code model.onnx.data}, {@code tokenizer.json}).
 *
 * <p>Two graph styles mirror the two kinds of real exports: {@link SynthSpec.Style#DECOMPOSED}
 * (optimum / transformers.js: attention spelled out as MatMul, Mul, Add, Softmax, MatMul) and
 * {@link SynthSpec.Style#FUSED_GQA} (onnxruntime-genai builder: one
 * {@code com.microsoft:GroupQueryAttention} node). With the same seed both styles hold the same
 * weights, so they must compute the same logits: two independent formulations that check each
 * other. Deliberate {@link SynthSpec.Fault faults} give the inspector's checks something to catch.
 *
 * <p>Entry point: {@link SyntheticModelWriter#write}.
 */
package attnscope.synth;
