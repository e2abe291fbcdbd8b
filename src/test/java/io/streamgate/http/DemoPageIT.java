package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import java.util.List;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.HeadlessChromium;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page at {@code /} in a real headless Chromium: a user starts a stream, types chunks, watches the results
 * arrive over EventSource with the counters, and ends it. Skipped where there is no {@link HeadlessChromium}.
 */
class DemoPageIT extends GatewayIT {

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = HeadlessChromium.open();
        wait = new WebDriverWait(browser, StreamClient.TIMEOUT);
        browser.get("http://127.0.0.1:" + port + "/");
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldStartSendWatchAndEndAStreamFromTheBrowser() {
        String id = "browser-" + System.nanoTime();
        field("stream-id").sendKeys(id);
        field("start").click();
        wait.until(textToBe(By.id("state"), "open"));

        field("per-line").click();
        field("chunk").sendKeys("hello\nstreaming world");
        field("send").click();
        wait.until(numberOfElementsToBe(By.cssSelector("#results li"), 2));

        List<String> shown = browser.findElements(By.cssSelector("#results li")).stream().map(WebElement::getText).toList();
        assertThat(shown).as("the results, live and in order").hasSize(2)
                .satisfiesExactly(first -> assertThat(first).endsWith(" HELLO"),
                        second -> assertThat(second).endsWith(" STREAMING WORLD"));
        assertThat(field("sent").getText()).isEqualTo("2");
        assertThat(field("received").getText()).isEqualTo("2");
        assertThat(client.status(id).get("results").asLong()).as("what the gateway holds").isEqualTo(2);
        wait.until(textToBe(By.id("readers"), "1"));

        field("end").click();
        wait.until(textToBePresentInElementLocated(By.id("results"), "end: client"));
        wait.until(textToBe(By.id("state"), "ended"));
        assertThat(field("send").isEnabled()).as("nothing more to send").isFalse();
    }

    @Test
    void shouldShowTheGatewaysProblemWhenAStartIsRefused() {
        String id = "taken-" + System.nanoTime();
        client.start(id);

        field("stream-id").sendKeys(id);
        field("start").click();

        wait.until(textToBePresentInElementLocated(By.id("message"), "409"));
        assertThat(field("message").getAttribute("class")).isEqualTo("error");
        assertThat(field("send").isEnabled()).as("no stream to send to").isFalse();
        client.end(id);
    }

    private WebElement field(String id) {
        return browser.findElement(By.id(id));
    }
}
