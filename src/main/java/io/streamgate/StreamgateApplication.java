package io.streamgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Streamgate: start a stream, send it chunks, read processed results over Server-Sent Events. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StreamgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(StreamgateApplication.class, args);
    }
}
