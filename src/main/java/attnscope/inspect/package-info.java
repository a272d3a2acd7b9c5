/**
 * The inspection pipeline: text → tokenizer → hooked ONNX graph → ONNX Runtime → model-side
 * activation cache → reference attention → checks. One entry point for inspect, figures,
 * lesson and bench.
 */
package attnscope.inspect;
