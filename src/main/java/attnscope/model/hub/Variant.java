package attnscope.model.hub;

import java.util.Locale;

/**
 * The ONNX files a transformers.js / optimum repository ships for one model, by precision.
 * Whatever the variant, the local folder stores it as {@code onnx/model.onnx}.
 */
public enum Variant {
    /** float32 weights: for Qwen2.5-0.5B one 1.99 GB file with the weights inside. */
    FP32("onnx/model.onnx"),
    /** float16 weights (~1 GB). */
    FP16("onnx/model_fp16.onnx"),
    /** 4-bit block-quantized MatMul weights. */
    Q4("onnx/model_q4.onnx"),
    /** 8-bit quantized weights. */
    INT8("onnx/model_int8.onnx");

    private final String hubPath;

    Variant(String hubPath) {
        this.hubPath = hubPath;
    }

    /** The file's path in the hub repository. */
    public String hubPath() {
        return hubPath;
    }

    /** fp32, fp16, q4, int8: the spelling of {@code --variant}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses fp32/fp16/q4/int8 in any case, or returns null. */
    public static Variant parse(String s) {
        for (Variant v : values()) {
            if (v.label().equalsIgnoreCase(s.strip())) {
                return v;
            }
        }
        return null;
    }
}
