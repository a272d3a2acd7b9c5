package attnscope.onnx;

/** Where ONNX Runtime computes: {@code AUTO} takes CUDA when it can be set up, else the CPU. */
public enum Device {
    AUTO, CPU, CUDA
}
