package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The UI in a real browser: Debian's headless Chromium ({@code /usr/bin/chromium}) driven through
 * Debian's {@code /usr/bin/chromedriver} by Selenium, against a control plane on a free loopback
 * port over an embedded H2 database, its DNS page asking a {@link FakeDnsServer}.
 *
 * <p>An interop test ({@code make interop}; {@code scripts/install-peers} installs the packages):
 * it never runs in {@code make test}. Both executables are given explicitly, so Selenium Manager
 * is never asked for a driver or a browser and nothing is downloaded (failsafe also sets
 * {@code SE_OFFLINE=true}). Missing packages fail the test with the command that installs them;
 * it is never skipped. Every wait is a bounded {@link WebDriverWait}.
 */
@Timeout(180)
class BrowserInteropIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Held so the level sticks: Selenium warns that it has no DevTools (CDP) classes for this Chromium; no test uses CDP. */
    static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    @TempDir
    static Path work;

    static Database database;
    static FakeDnsServer dns;
    static TestUi ui;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        for (Path executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertThat(Files.isExecutable(executable))
                    .as("%s is missing: install Debian's chromium and chromium-driver (as root: scripts/install-peers)",
                            executable)
                    .isTrue();
        }
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        database = Database.embedded(work.resolve("control-db"), 4, Clock.systemUTC());
        dns = new FakeDnsServer(DnsZone.empty()).start();
        ui = new TestUi(database, dns);

        Path logs = Files.createDirectories(Path.of("target", "browser"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(logs.toFile(), "chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--lang=en-US", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--user-data-dir=" + work.resolve("chromium-profile"));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (ui != null) {
            ui.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void freshSession() {
        browser.get(url("/specifications"));
        browser.manage().deleteAllCookies();
    }

    @Test
    void login_throughTheForm_wrongPasswordRefused_thenMyServers() {
        Customer customer = ui.customer(Language.EN);
        Account account = ui.customerAccount(customer.id());
        Server server = ui.server(customer.id(), ui.application().id());

        browser.get(url("/servers"));
        wait.until(ExpectedConditions.urlContains("/login?next="));
        fillLogin(account.login(), "not the password");
        WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("p.refusal")));
        assertThat(refusal.getText()).isEqualTo("The login or password is not correct.");

        fillLogin(account.login(), TestUi.PASSWORD);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "My servers"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/servers"));
        assertThat(browser.findElement(By.cssSelector("main table")).getText())
                .contains(server.appHost()).contains(server.name().toString());
        assertThat(browser.findElement(By.cssSelector("header .who")).getText()).isEqualTo(account.login());
    }

    @Test
    void dnsStatus_spfWithoutTheServersAddress_showsTheProposedRecord() {
        Customer customer = ui.customer(Language.EN);
        Account account = ui.customerAccount(customer.id());
        int n = TestUi.next();
        Server server = ui.server(customer.id(), ui.application().id(), "app" + n + ".shop.test",
                "192.0.2." + (n % 250 + 1), "2001:db8::" + Integer.toHexString(n));
        List<ServerAddress> addresses = ui.deps.servers().addresses(server.id());
        String ipv4 = addresses.get(0).address();
        String ipv6 = addresses.get(1).address();
        dns.replaceZone(DnsZone.builder()
                .a(server.appHost(), ipv4).aaaa(server.appHost(), ipv6)
                .txt(server.appHost(), "v=spf1 ip4:198.51.100.7 include:_spf.mailer.test ~all")
                .txt("_spf.mailer.test", "v=spf1 ip4:203.0.113.0/24 -all")
                .build());

        logIn(account, "My servers");
        browser.findElement(By.cssSelector("a[href='/servers/" + server.id() + "/dns']")).click();
        WebElement summary = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dns-summary")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("DNS status: " + server.appHost());
        assertThat(summary.getText()).isEqualTo("Something must be fixed: publish the records below.");

        WebElement proposed = browser.findElement(By.cssSelector("#check-spf tr.change-publish .record.proposed"));
        assertThat(proposed.isDisplayed()).isTrue();
        assertThat(proposed.getText()).startsWith("v=spf1").contains("ip4:198.51.100.7").contains("ip4:" + ipv4)
                .contains("ip6:" + ipv6).contains("include:_spf.mailer.test").endsWith("~all");
    }

    @Test
    void upgrade_withTheStorageConfirmation_isListedAsRequested() {
        Customer customer = ui.customer(Language.EN);
        Account account = ui.customerAccount(customer.id());
        Server server = ui.server(customer.id(), ui.application().id());

        logIn(account, "My servers");
        openPackagePage(server);
        assertThat(browser.findElement(By.id("option-upgrade_cpu_ram_storage")).getText())
                .contains("after a storage upgrade you cannot go back to the standard package");
        requestStorageUpgrade();

        WebElement notice = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("p.notice[role='status']")));
        assertThat(notice.getText()).isEqualTo("Your request has been received: Upgrade to plus: CPU, RAM and storage."
                + " We will let you know when it is scheduled.");
        List<WebElement> history = browser.findElements(By.xpath("//h2[.='Requests for this server']"
                + "/following-sibling::table[1]/tbody/tr"));
        assertThat(history).hasSize(1);
        assertThat(history.getFirst().findElements(By.tagName("td"))).extracting(WebElement::getText)
                .startsWith("Upgrade to plus: CPU, RAM and storage", "requested");
        assertThat(ui.deps.changes().forServer(server.id())).singleElement()
                .extracting(PackageChange::kind).isEqualTo(PackageChangeKind.UPGRADE_CPU_RAM_STORAGE);
    }

    @Test
    void downgrade_afterAStorageUpgrade_isRefusedInDutch() {
        Customer dutch = ui.customer(Language.NL);
        Account account = ui.customerAccount(dutch.id());
        Server server = ui.server(dutch.id(), ui.application().id());

        logIn(account, "Mijn servers");
        openPackagePage(server);
        requestStorageUpgrade();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("p.notice[role='status']")));
        long id = ui.deps.changes().forServer(server.id()).getFirst().id();
        Actor operator = Actor.operator("op");
        ui.deps.changes().approve(operator, id);
        ui.deps.changes().schedule(operator, id, Instant.parse("2030-01-07T05:00:00Z"));
        ui.deps.changes().complete(operator, id, null);

        openPackagePage(server);
        assertThat(browser.findElement(By.xpath("//dt[.='Opslag geüpgraded']/following-sibling::dd[1]")).getText())
                .isEqualTo("ja");
        WebElement downgrade = browser.findElement(By.id("option-downgrade"));
        assertThat(downgrade.findElement(By.tagName("h3")).getText()).isEqualTo("Downgrade naar standard");
        assertThat(downgrade.findElement(By.cssSelector("p.muted")).getText())
                .isEqualTo("Terug naar standaard kan niet, omdat de opslag werd geüpgraded en niet kan krimpen.");
        assertThat(downgrade.findElements(By.tagName("button"))).as("no way to ask for the downgrade").isEmpty();
        assertThat(ui.deps.changes().forServer(server.id())).hasSize(1);
    }

    @Test
    void language_switchesFromTheCustomersDutchToEnglishAndBack() {
        Customer dutch = ui.customer(Language.NL);
        Account account = ui.customerAccount(dutch.id());
        ui.server(dutch.id(), ui.application().id());

        logIn(account, "Mijn servers");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("nl");
        assertThat(browser.findElement(By.cssSelector("header nav")).getText()).contains("Specificaties");

        browser.findElement(By.cssSelector("header .session a[lang='en']")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "My servers"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/servers"));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.findElement(By.cssSelector("header nav")).getText()).contains("Specifications");
        assertThat(browser.findElement(By.cssSelector("header form button")).getText()).isEqualTo("Log out");

        // The choice sticks (a cookie) on the next page, until switched back.
        browser.findElement(By.cssSelector("header nav a[href='/specifications']")).click();
        wait.until(ExpectedConditions.urlToBe(url("/specifications")));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        browser.findElement(By.cssSelector("header .session a[lang='nl']")).click();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("html"), "lang", "nl"));
        assertThat(browser.findElement(By.cssSelector("header form button")).getText()).isEqualTo("Afmelden");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + ui.server.port() + path;
    }

    private static void logIn(Account account, String serversTitle) {
        browser.get(url("/login"));
        fillLogin(account.login(), TestUi.PASSWORD);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), serversTitle));
    }

    private static void fillLogin(String login, String password) {
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(By.id("login")));
        field.clear();
        field.sendKeys(login);
        WebElement secret = browser.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        submitAndAwaitNextDocument(browser.findElement(By.cssSelector("form[action='/login'] button[type='submit']")));
    }

    private static void openPackagePage(Server server) {
        browser.get(url("/servers"));
        By link = By.cssSelector("a[href='/servers/" + server.id() + "/package']");
        wait.until(ExpectedConditions.elementToBeClickable(link)).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("option-downgrade")));
    }

    private static void requestStorageUpgrade() {
        WebElement form = browser.findElement(By.id("option-upgrade_cpu_ram_storage"));
        WebElement confirm = form.findElement(By.name("confirm_storage"));
        confirm.click();
        assertThat(confirm.isSelected()).isTrue();
        submitAndAwaitNextDocument(form.findElement(By.cssSelector("button[type='submit']")));
    }

    /**
     * Clicks a submit button and waits until the browser shows the document the server answered with.
     * The old document is marked first and the wait ends when a complete document without the mark is
     * shown. Not {@code stalenessOf(button)}: while the old document is torn down, chromedriver may
     * answer the staleness probe with "unknown error: Node with given id does not belong to the
     * document" instead of a stale-element error (seen in CI), which fails the wait instead of ending
     * it. Errors while the page changes are retried until the bounded wait ends.
     */
    private static void submitAndAwaitNextDocument(WebElement submit) {
        browser.executeScript("document.documentElement.setAttribute('data-test-left', '')");
        submit.click();
        new WebDriverWait(browser, WAIT).ignoring(WebDriverException.class).until(driver -> (Boolean)
                ((JavascriptExecutor) driver).executeScript("return document.readyState === 'complete'"
                        + " && !document.documentElement.hasAttribute('data-test-left')"));
    }
}
