package attnscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.render.TokenLabels;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.tensor.Npy;
import attnscope.tensor.Tensor;
import attnscope.testing.TestAssets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer page in a real browser: Debian's Chromium driven by its chromium-driver through
 * Selenium, on the attention of a small synthetic Qwen2 model. Clicks, keys and hovers go through
 * the browser's own input events; the weights the page highlights are compared with the .npy files
 * written from the same inspection. Screenshots land in target/explorer-browser/.
 */
class ExplorerBrowserTest {
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final String HOSTILE = "</script><img src=x onerror=alert(1)>";
    /** The head the test clicks in, and the query clicked. */
    private static final int LAYER = 1;
    private static final int HEAD = 3;
    private static final int QUERY = 7;

    private static Path dir;
    private static Path page;
    private static ChromeDriver browser;

    @BeforeAll
    static void writePageAndOpenBrowser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER),
                "chromium-driver is not installed (scripts/test-assets.sh installs chromium and chromium-driver)");
        dir = TestAssets.projectRoot().resolve("target/explorer-browser");
        Files.createDirectories(dir);
        SynthSpec spec = SynthSpec.tiny().seed(11).build(); // D 64, H 4 / Hkv 2, d 16, 2 layers
        Path model = TestAssets.projectRoot().resolve("target/test-models/explorer-tiny-" + Integer.toHexString(spec.toString().hashCode()));
        if (!Files.isRegularFile(model.resolve("model.onnx"))) {
            SyntheticModelWriter.write(spec, model, null, ProgressListener.NONE, true);
        }
        int[] ids = {11, 42, 7, 300, 5, 99, 123, 250, 17, 64, 3, 480};
        InspectionResult inspected;
        try (HookedModel m = HookedModel.open(model, Device.CPU, null)) {
            inspected = Inspector.inspect(m, TextTokenizer.unlabelled(ids));
        }
        // Tokens are hostile input: one of them tries to end the script and inject markup.
        List<String> tokens = new ArrayList<>(inspected.tokens());
        tokens.set(5, HOSTILE);
        InspectionResult r = new InspectionResult(inspected.config(), inspected.attentionStyle(), inspected.causal(), tokens,
                inspected.ids(), inspected.layers(), inspected.model(), inspected.reference(), inspected.checks());
        TensorFiles.write(dir, r);
        page = dir.resolve(ExplorerPage.FILE);
        Files.writeString(page, ExplorerPage.html(r), StandardCharsets.UTF_8);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void open(int width, int height) {
        browser.manage().window().setSize(new Dimension(width, height));
        browser.get(page.toUri().toString());
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElement(By.id("explorer")).getAttribute("data-first-paint-ms") != null);
    }

    private String attr(String name) {
        return browser.findElement(By.id("explorer")).getAttribute(name);
    }

    private void press(CharSequence key) {
        new Actions(browser).sendKeys(key).perform();
    }

    @Test
    void aClickedTokenHighlightsTheSavedWeightsWithinTheStatedStep() throws Exception {
        open(1024, 768);
        // To layer 1, head 3 with the keys, as a lecturer would.
        press(Keys.ARROW_DOWN);
        for (int i = 0; i < HEAD; i++) {
            press(Keys.ARROW_RIGHT);
        }
        press(Keys.ENTER);
        assertEquals(String.valueOf(LAYER), attr("data-layer"));
        assertEquals(String.valueOf(HEAD), attr("data-head"));
        assertEquals("matrix", attr("data-view"));

        browser.findElement(By.cssSelector("#matrix-queries [data-token=\"" + QUERY + "\"]")).click();
        Tensor saved = Npy.read(dir.resolve("tensors/layer" + LAYER + ".pattern.npy")); // (H, T, T)
        int t = saved.dim(1);
        float[] row = new float[t];
        System.arraycopy(saved.data(), (HEAD * t + QUERY) * t, row, 0, t);
        float rowMax = 0;
        for (float w : row) {
            rowMax = Math.max(rowMax, w);
        }
        // The page states: within half a step, the step being rowmax / 255; data-weight has 6 decimals.
        double bound = rowMax / 255 / 2 + 5e-7;
        Map<Integer, Double> shown = new TreeMap<>();
        for (WebElement e : browser.findElements(By.cssSelector("#selection [data-key]"))) {
            shown.put(Integer.parseInt(e.getAttribute("data-key")), Double.parseDouble(e.getAttribute("data-weight")));
        }
        assertEquals(QUERY + 1, shown.size(), "a causal query attends to itself and the keys before it: " + shown.keySet());
        double sum = 0;
        for (int j = 0; j <= QUERY; j++) {
            assertEquals(row[j], shown.get(j), bound, "layer " + LAYER + " head " + HEAD + " query " + QUERY + " key " + j);
            sum += shown.get(j);
        }
        assertEquals(1, sum, (QUERY + 1) * bound, "the row's weights add up to 1");
        // Its column: who attends to it, from the same saved pattern.
        for (WebElement e : browser.findElements(By.cssSelector("#selection [data-query]"))) {
            int i = Integer.parseInt(e.getAttribute("data-query"));
            float exact = saved.data()[(HEAD * t + i) * t + QUERY];
            float max = 0;
            for (int j = 0; j < t; j++) {
                max = Math.max(max, saved.data()[(HEAD * t + i) * t + j]);
            }
            assertEquals(exact, Double.parseDouble(e.getAttribute("data-weight")), max / 255 / 2 + 5e-7, "query " + i);
        }
        assertTrue(browser.findElement(By.id("storage")).getText().contains("rowmax / 255"), "the page states the step");
        screenshot("matrix-1024x768.png", 1024, 768);

        // Hovering a key label shows its weights in a tooltip.
        new Actions(browser).moveToElement(browser.findElement(By.cssSelector("#matrix-keys [data-token=\"2\"]"))).perform();
        WebElement tip = browser.findElement(By.id("tooltip"));
        assertTrue(tip.isDisplayed());
        assertTrue(tip.getText().contains("attends most to"), tip.getText());
    }

    @Test
    void keysChangeHeadLayerAndView() throws Exception {
        open(1920, 1080);
        assertEquals("overview", attr("data-view"));
        assertEquals("0", attr("data-layer"));
        assertEquals("0", attr("data-head"));
        press(Keys.ARROW_RIGHT);
        assertEquals("1", attr("data-head"));
        press(Keys.ARROW_DOWN);
        assertEquals("1", attr("data-layer"));
        press(Keys.ARROW_LEFT);
        press(Keys.ARROW_LEFT);
        assertEquals("0", attr("data-layer"), "left from head 0 goes back to the last head of the layer before");
        assertEquals("3", attr("data-head"));
        press("l");
        assertEquals("lines", attr("data-view"));
        browser.findElement(By.cssSelector("#lines-labels [data-token=\"4\"]")).click();
        assertEquals(5, browser.findElements(By.cssSelector("#selection [data-key]")).size());
        press("s");
        assertEquals("log", attr("data-scale"));
        screenshot("lines-1920x1080.png", 1920, 1080);
        press("f");
        assertTrue(browser.findElement(By.tagName("body")).getAttribute("class").contains("large"));
        screenshot("lines-large-1920x1080.png", 1920, 1080);
        press("t");
        assertEquals("toy", attr("data-source"));
        assertEquals("0", attr("data-layer"));
        assertEquals(4, browser.findElements(By.cssSelector("#lines-labels .left[data-token]")).size(), "the cat chases the");
        press("t");
        assertEquals("model", attr("data-source"));
        assertEquals("3", attr("data-head"), "back to the model's head");
        press(Keys.HOME);
        assertEquals("overview", attr("data-view"));
        screenshot("overview-1920x1080.png", 1920, 1080);
    }

    @Test
    void eachCheckIsShownWithTheRelationItPassesBy() {
        open(1920, 1080);
        Map<String, String> rows = new TreeMap<>();
        for (WebElement tr : browser.findElements(By.cssSelector("#checks tr"))) {
            List<WebElement> cells = tr.findElements(By.tagName("td"));
            rows.put(cells.get(0).getText(), cells.get(3).getText());
        }
        // The negative control passes by disagreeing: "1.0e+0 ≤ 1.0e-5" marked ✓ would contradict itself.
        assertTrue(rows.get("negative-control").startsWith("≥ "), rows.toString());
        assertTrue(rows.get("pattern.ref").startsWith("≤ "), rows.toString());
    }

    @Test
    void hostileTokensAreShownAsText() {
        open(1024, 768);
        press(Keys.ENTER);
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertEquals(0, browser.findElements(By.tagName("img")).size(), "no token became an element");
        WebElement label = browser.findElement(By.cssSelector("#matrix-queries [data-token=\"5\"]"));
        assertEquals(TokenLabels.display(HOSTILE), label.getText());
        label.click();
        assertTrue(browser.findElement(By.id("selection")).getText().contains(HOSTILE.substring(0, 20)),
                "the token as written is shown whole, as text");
        assertFalse(browser.getTitle().isEmpty());
    }

    @Test
    void bothProjectorSizesFitTheWindow() throws Exception {
        for (int[] size : new int[][] {{1024, 768}, {1920, 1080}}) {
            open(size[0], size[1]);
            press(Keys.ENTER);
            long innerW = (Long) browser.executeScript("return window.innerWidth");
            long innerH = (Long) browser.executeScript("return window.innerHeight");
            Map<?, ?> matrix = rect("#matrix-canvas");
            Map<?, ?> side = rect("#side");
            assertTrue(num(matrix.get("right")) <= num(side.get("left")) + 1 && num(matrix.get("bottom")) <= innerH,
                    "the matrix fits beside the side panel at " + size[0] + "×" + size[1] + ": " + matrix + " / " + side);
            assertTrue(num(matrix.get("width")) >= 0.4 * Math.min(innerW, innerH), "the matrix uses the screen: " + matrix);
            assertTrue(num(side.get("right")) <= innerW + 1, "the side panel is on screen: " + side);
            BufferedImage shot = screenshot("matrix-" + size[0] + "x" + size[1] + "-start.png", size[0], size[1]);
            assertNotEquals(shot.getRGB(shot.getWidth() / 3, shot.getHeight() / 2), 0xFFFFFFFF, "the matrix is drawn where it is laid out");
        }
    }

    /** T = 300 at 1024 × 768: every token keeps its label element, the shown ones do not overlap, the rest are one hover away. */
    @Test
    void aLongInputThinsItsLabelsAndStaysExactUnderThePointer() throws Exception {
        int t = 300;
        Tensor pattern = attnscope.bench.ExplorerPages.causalPattern(4, t, new java.util.Random(3)); // (H, T, T)
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            tokens.add("Ġtok" + i);
        }
        Path longPage = dir.resolve("explorer-long.html");
        Files.writeString(longPage, ExplorerPage.html("long", false, new ExplorerPage.Source("model", "long", tokens, List.of(0), 2, true,
                List.of(pattern), List.of()), ExplorerPage.handoutToy()), StandardCharsets.UTF_8);
        browser.manage().window().setSize(new Dimension(1024, 768));
        browser.get(longPage.toUri() + "#view=matrix&head=1");
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(d -> d.findElement(By.id("explorer")).getAttribute("data-first-paint-ms") != null);
        assertEquals(t, browser.findElements(By.cssSelector("#matrix-queries [data-token]")).size(), "a label element per token");
        List<WebElement> shown = browser.findElements(By.cssSelector("#matrix-queries [data-token]:not(.decimated)"));
        assertTrue(shown.size() > 10 && shown.size() < t, "thinned, not gone: " + shown.size() + " shown");
        double previous = -1e9;
        for (WebElement e : shown) {
            double top = e.getRect().getY();
            assertTrue(top - previous >= e.getRect().getHeight() * 0.9, "shown labels do not overlap at token " + e.getAttribute("data-token"));
            previous = top;
        }
        // Point at cell (query 200, key 0): the tooltip gives its weight within half a step of the row.
        Map<?, ?> canvas = rect("#matrix-canvas");
        String[] cells = browser.findElement(By.id("matrix-canvas")).getAttribute("data-cells").split(",");
        double left = num(canvas.get("left")) + Double.parseDouble(cells[0]);
        double top = num(canvas.get("top")) + Double.parseDouble(cells[1]);
        double step = Double.parseDouble(cells[2]) / t;
        int query = 200;
        int key = 0;
        new Actions(browser).moveToLocation((int) Math.round(left + (key + 0.5) * step), (int) Math.round(top + (query + 0.5) * step)).perform();
        String tip = browser.findElement(By.id("tooltip")).getText();
        java.util.regex.Matcher w = java.util.regex.Pattern.compile("query (\\d+) .*→ key (\\d+) .*\\nweight ([0-9.]+)", java.util.regex.Pattern.DOTALL)
                .matcher(tip);
        assertTrue(w.find(), tip);
        int i = Integer.parseInt(w.group(1));
        int j = Integer.parseInt(w.group(2));
        assertTrue(Math.abs(i - query) <= 1 && j == key, "the cell under the pointer: " + tip);
        float[] row = java.util.Arrays.copyOfRange(pattern.data(), (t + i) * t, (t + i + 1) * t); // head 1
        float max = 0;
        for (float x : row) {
            max = Math.max(max, x);
        }
        assertEquals(row[j], Double.parseDouble(w.group(3)), max / 255 / 2 + 5e-5, "shown with 4 decimals: " + tip);
        screenshot("matrix-T300-1024x768.png", 1024, 768);
    }

    private Map<?, ?> rect(String selector) {
        return (Map<?, ?>) browser.executeScript("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                + "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};", selector);
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private BufferedImage screenshot(String name, int width, int height) throws Exception {
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name), png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(image.getWidth() <= width && image.getWidth() >= width * 0.9, name + " is " + image.getWidth() + " wide");
        return image;
    }
}
