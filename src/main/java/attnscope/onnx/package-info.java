/**
 * ONNX graphs: reading them ({@link attnscope.onnx.OnnxGraph}), finding each layer's attention from
 * the graph's structure, names being only hints ({@link attnscope.onnx.AttentionSites}: decomposed
 * MatMul → scale → mask → Softmax → MatMul as torch and optimum export it, BERT-style encoders, fused
 * com.microsoft:GroupQueryAttention), exposing intermediate tensors as graph outputs, and creating
 * ONNX Runtime sessions on the CPU or CUDA ({@link attnscope.onnx.Sessions}).
 */
package attnscope.onnx;
