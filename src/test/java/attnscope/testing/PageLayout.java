package attnscope.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a page lays out in headless Chromium at a given window size: the width the page has, the
 * width it scrolls to, and every image's drawn width and right edge. A harness page holds the
 * report in an iframe of exactly that size, so the report sees the window a projector would give it.
 */
public final class PageLayout {
    /** One image as the browser drew it: its src, its drawn width and right edge, and whether it decoded. */
    public record Image(String src, double width, double right, boolean loaded) {
    }

    /** The page at one window size: its client width, the width it scrolls to, its images. */
    public record Layout(int windowWidth, int windowHeight, double clientWidth, double scrollWidth, List<Image> images) {
    }

    private PageLayout() {
    }

    public static Layout of(Path html, int width, int height, Path workDir) throws IOException, InterruptedException {
        Path harness = html.resolveSibling("__attnscope_layout.html");
        Files.writeString(harness, """
                <!DOCTYPE html><html><body style="margin:0"><pre id="result">pending</pre>
                <iframe id="f" src="%s" style="width:%dpx;height:%dpx;border:0"></iframe>
                <script>
                document.getElementById('f').addEventListener('load', () => {
                  const d = document.getElementById('f').contentDocument;
                  const rows = Array.from(d.images).map(i => {
                    const r = i.getBoundingClientRect();
                    return [i.getAttribute('src'), r.width.toFixed(1), r.right.toFixed(1), (i.complete && i.naturalWidth > 0) ? 1 : 0].join('|');
                  });
                  document.getElementById('result').textContent = 'CLIENT=' + d.documentElement.clientWidth + ';SCROLL='
                    + d.documentElement.scrollWidth + ';IMAGES=' + rows.join('\\n') + ';END';
                });
                </script></body></html>
                """.formatted(html.getFileName().toString(), width, height), StandardCharsets.UTF_8);
        try {
            List<String> cmd = List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", "--user-data-dir=" + workDir.resolve("chromium-layout-profile"), "--allow-file-access-from-files",
                    "--window-size=" + (width + 40) + "," + (height + 200), "--virtual-time-budget=10000", "--dump-dom",
                    harness.toUri().toString());
            Path out = workDir.resolve("chromium-layout.out");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                    .redirectError(workDir.resolve("chromium-layout.err").toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Chromium did not finish within 90 s");
            }
            String dom = Files.readString(out, StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("CLIENT=([\\d.]+);SCROLL=([\\d.]+);IMAGES=(.*?);END", Pattern.DOTALL).matcher(dom);
            if (!m.find()) {
                throw new IllegalStateException("The layout harness reported nothing; Chromium printed: " + dom.substring(0, Math.min(2000, dom.length())));
            }
            List<Image> images = new ArrayList<>();
            for (String row : m.group(3).split("\n")) {
                if (row.isBlank()) {
                    continue;
                }
                String[] f = row.replace("&amp;", "&").split("\\|");
                images.add(new Image(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3].equals("1")));
            }
            return new Layout(width, height, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), images);
        } finally {
            Files.deleteIfExists(harness);
        }
    }
}
