package io.streamgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * Streamgate: start a stream, send it chunks, read processed results over Server-Sent Events.
 *
 * <p>{@code @SpringBootApplication}, written out so that the scan also leaves out the management server's
 * configurations ({@code @ManagementContextConfiguration}): Boot loads them into the management port's own context
 * (META-INF/spring lists them), and scanned they would set up the application's context as if it were that port's.
 * Boot's in-memory user (and its "Using generated security password" line) is left out: nothing here logs in with a
 * password; requests authenticate with API keys or not at all.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = ReactiveUserDetailsServiceAutoConfiguration.class)
@ComponentScan(excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class)})
@ConfigurationPropertiesScan
public class StreamgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(StreamgateApplication.class, args);
    }
}
