/**
 * attnscope: look inside the attention of a real language model and check it against the
 * formula softmax(Q·Kᵀ/√d_k + mask)·V.
 *
 * <p>Packages, in the order data flows: {@code toy} (the classroom handout),
 * {@code model} (config.json, model folder, tokenizer, download), {@code onnx} (graph
 * reading and editing, attention-site detection, sessions), {@code capture} (named hook
 * sites and the activation cache), {@code attention} (the reference math),
 * {@code check} (shape, causal, reference-vs-model checks), {@code render} (heatmaps and
 * figures), {@code report} (Markdown, HTML, summary.json), {@code synth} (Qwen2-architecture
 * ONNX models with seeded weights), {@code bench}, and {@code cli} (thin commands).
 */
package attnscope;
