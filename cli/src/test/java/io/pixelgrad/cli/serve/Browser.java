package io.pixelgrad.cli.serve;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;

/**
 * Debian's headless chromium driven through Debian's chromedriver at an explicit path, so Selenium Manager never runs
 * (nothing is downloaded); a fresh profile per browser. Skipped where chromium is not installed, except on CI
 * (.ci/run installs it), where its absence is a failure.
 */
final class Browser implements AutoCloseable {

    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    final WebDriver driver;
    private final Path profile;

    Browser() throws IOException {
        boolean present = Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM);
        if (System.getenv("CI") == null) Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed");
        else if (!present) throw new IllegalStateException("CI needs chromium and chromium-driver (.ci/run installs them)");
        profile = Files.createTempDirectory("pixelgrad-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-extensions",
                "--disable-sync", "--force-device-scale-factor=1", "--force-color-profile=srgb", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
    }

    /** Waits (at most 60 s) for a condition on the page. */
    <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(60)).until(condition);
    }

    /** Runs a script in the page and returns its value. */
    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * The element as the browser paints it (an element screenshot: its border box, at device scale 1), scrolled to the
     * middle of the window first: chromium clips an element screenshot to the visible part of the page.
     */
    BufferedImage shot(WebElement e) throws IOException {
        js("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", e);
        // two animation frames: the scroll is painted before the capture
        ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
        return ImageIO.read(new ByteArrayInputStream(e.getScreenshotAs(OutputType.BYTES)));
    }

    /** The picture behind a data: URL. */
    static BufferedImage dataUrl(String url) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
    }

    /**
     * The largest difference of any colour channel between a region of a screenshot and a picture (the picture's whole
     * size, starting at (x0, y0) in the screenshot).
     */
    static int maxDifference(BufferedImage shot, int x0, int y0, BufferedImage expected, int ex0, int ey0, int w, int h) {
        int worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int a = shot.getRGB(x0 + x, y0 + y), b = expected.getRGB(ex0 + x, ey0 + y);
                for (int s = 0; s <= 16; s += 8) worst = Math.max(worst, Math.abs((a >> s & 255) - (b >> s & 255)));
            }
        return worst;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) p.toFile().delete();
            }
        }
    }

    /** A file as Selenium's file input wants it: an absolute path. */
    static String upload(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
