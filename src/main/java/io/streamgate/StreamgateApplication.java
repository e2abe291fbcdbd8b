package io.streamgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;

/**
 * Streamgate: start a stream, send it chunks, read processed results over Server-Sent Events.
 *
 * <p>Boot's in-memory user (and its "Using generated security password" line) is left out: nothing here logs in with
 * a password; requests authenticate with API keys or not at all.
 */
@SpringBootApplication(exclude = ReactiveUserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class StreamgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(StreamgateApplication.class, args);
    }
}
