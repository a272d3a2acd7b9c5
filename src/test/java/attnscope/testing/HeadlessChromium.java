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
 * Opens an HTML page in Debian's headless Chromium (installed by scripts/test-assets.sh) and reports
 * which of its images the browser could decode, plus a screenshot. A harness page loads the report
 * in an iframe and counts, after the load event, every img with naturalWidth > 0: the browser's
 * own verdict, not a guess from file names.
 */
public final class HeadlessChromium {
    /** What the browser saw: images in the page, those that decoded, and the src of each broken one. */
    public record PageCheck(int images, int loaded, List<String> broken, Path screenshot) {
    }

    private HeadlessChromium() {
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/chromium"));
    }

    public static PageCheck check(Path html, Path workDir) throws IOException, InterruptedException {
        Path harness = html.resolveSibling("__attnscope_harness.html");
        String src = html.getFileName().toString();
        Files.writeString(harness, """
                <!DOCTYPE html><html><body><pre id="result">pending</pre>
                <iframe id="f" src="%s" style="width:1200px;height:900px"></iframe>
                <script>
                document.getElementById('f').addEventListener('load', () => {
                  const d = document.getElementById('f').contentDocument;
                  const imgs = Array.from(d.images);
                  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
                  document.getElementById('result').textContent =
                    'IMAGES=' + imgs.length + ';LOADED=' + (imgs.length - broken.length) + ';BROKEN=' + JSON.stringify(broken);
                });
                </script></body></html>
                """.formatted(src), StandardCharsets.UTF_8);
        try {
            String dom = run(workDir, "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
                    harness.toUri().toString());
            Matcher m = Pattern.compile("IMAGES=(\\d+);LOADED=(\\d+);BROKEN=(\\[.*?\\])").matcher(dom);
            if (!m.find()) {
                throw new IllegalStateException("The harness page reported nothing; Chromium printed: "
                        + dom.substring(0, Math.min(dom.length(), 2000)));
            }
            List<String> broken = new ArrayList<>();
            Matcher b = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(m.group(3).replace("&quot;", "\""));
            while (b.find()) {
                broken.add(b.group(1));
            }
            Path shot = workDir.resolve("screenshot.png");
            run(workDir, "--window-size=1280,2400", "--screenshot=" + shot, html.toUri().toString());
            return new PageCheck(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), broken, shot);
        } finally {
            Files.deleteIfExists(harness);
        }
    }

    private static String run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + workDir.resolve("chromium-profile")));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(workDir.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 90 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
