package attnscope.bench;

import attnscope.report.ExplorerPage;
import attnscope.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Explorer pages of Qwen2.5-0.5B's size (24 layers × 14 heads, 2 key/value heads) for the page-size
 * and first-paint measurement of scripts/explorer-bench.sh. The patterns are causal softmax rows
 * of seeded random scores with a first-token sink: the page's size depends only on the layers,
 * heads and T (every head stores T(T+1)/2 bytes), and its drawing time hardly on the values, so
 * the full model (2 GB) is not needed to measure them.
 *
 * <p>Usage: {@code java -cp target/attnscope.jar attnscope.bench.ExplorerPages DIR 50,500}
 * writes DIR/explorer-T50.html … and prints one line per page: T, bytes.
 */
public final class ExplorerPages {
    private ExplorerPages() {
    }

    /** The entry point of scripts/explorer-bench.sh (as a command's call is of the CLI): the only place here that prints. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ExplorerPages DIR 50,500");
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (String t : args[1].split(",")) {
            int tokens = Integer.parseInt(t.strip());
            Path page = write(dir, 24, 14, 2, tokens);
            System.out.printf(Locale.ROOT, "%d %d %s%n", tokens, Files.size(page), page);
        }
    }

    /** Writes DIR/explorer-T{tokens}.html for a model of this size. */
    public static Path write(Path dir, int layers, int heads, int kvHeads, int tokens) throws IOException {
        Random random = new Random(tokens);
        List<Tensor> patterns = new ArrayList<>();
        List<Integer> layerNumbers = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            words.add((i == 0 ? "" : "Ġ") + "w" + i);
        }
        for (int l = 0; l < layers; l++) {
            layerNumbers.add(l);
            patterns.add(causalPattern(heads, tokens, random));
        }
        ExplorerPage.Source model = new ExplorerPage.Source("model", "benchmark: random causal patterns, " + layers + " × " + heads,
                words, layerNumbers, kvHeads, true, patterns, List.of());
        Path page = dir.resolve("explorer-T" + tokens + ".html");
        Files.writeString(page, ExplorerPage.html("explorer benchmark, T = " + tokens, true, model, ExplorerPage.handoutToy()),
                StandardCharsets.UTF_8);
        return page;
    }

    /** (H, T, T): softmax over keys 0..i of Gaussian scores, key 0 raised (an attention sink). */
    public static Tensor causalPattern(int heads, int t, Random random) {
        float[] w = new float[heads * t * t];
        double[] e = new double[t];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    e[j] = Math.exp(2 * random.nextGaussian() + (j == 0 ? 4 : 0));
                    sum += e[j];
                }
                for (int j = 0; j <= i; j++) {
                    w[(h * t + i) * t + j] = (float) (e[j] / sum);
                }
            }
        }
        return new Tensor(new int[] {heads, t, t}, w);
    }
}
