package dev.echo.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard at {@code /} in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromedriver}, installed by {@code .ci/install-browser}): it loads, updates every
 * second from {@code /actuator/echo}, and after its burst button is pressed shows the work the
 * burst did. The screenshot stays in {@code target/dashboard.png}.
 */
@SampleApplicationTest
class DashboardBrowserTests {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ECHO_CHROMIUM", "/usr/bin/chromium"));

    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("ECHO_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private static final int BURST = 50;

    private static Path profile;

    private static WebDriver browser;

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        for (Path executable : new Path[] { CHROMIUM, CHROMEDRIVER }) {
            if (!Files.isExecutable(executable)) {
                fail(executable + " is missing: the dashboard test needs Chromium and its chromedriver. Install them with"
                        + " .ci/install-browser (as root; it runs apt-get install chromium chromium-driver), or point"
                        + " ECHO_CHROMIUM and ECHO_CHROMEDRIVER at a matching pair.");
            }
        }
        profile = Files.createTempDirectory("echo-dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1100", "--user-data-dir=" + profile);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
        }
    }

    @Test
    void showsTheRuntimeLiveAndTheWorkOfABurst() throws IOException {
        browser.get("http://127.0.0.1:" + this.port + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // It updates every second: two updates, and the processor rows are drawn.
        wait.until((page) -> number("updates") >= 2);
        assertThat(text("status")).isEqualTo("live");
        assertThat(text("transport")).isEqualTo("epoll");
        assertThat(browser.findElements(By.cssSelector("#processors tbody tr"))).hasSize(2);

        long spawnedBefore = number("tasks-spawned");
        long runBefore = number("p0-tasksRun") + number("p1-tasksRun");
        long quoteRequestsBefore = number("fanout-requests");
        WebElement size = browser.findElement(By.id("burst-size"));
        size.clear();
        size.sendKeys(String.valueOf(BURST));
        browser.findElement(By.id("burst")).click();

        wait.until((page) -> String.valueOf(BURST).equals(page.findElement(By.id("burst-result")).getDomAttribute("data-done")));
        assertThat(text("burst-result")).contains(BURST + " requests").contains(BURST + " partial");
        // The next updates show what the burst did: every request a board, every board a task
        // per backend (and more), the slow backend's stragglers cancelled.
        wait.until((page) -> number("fanout-requests") >= quoteRequestsBefore + BURST);
        wait.until((page) -> number("tasks-spawned") >= spawnedBefore + 4L * BURST);
        wait.until((page) -> number("p0-tasksRun") + number("p1-tasksRun") > runBefore + 4L * BURST);
        wait.until((page) -> number("fanout-cancelled") >= BURST);
        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static long number(String id) {
        return Long.parseLong(text(id).replace(",", "").trim());
    }
}
