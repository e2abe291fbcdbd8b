package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class NdjsonLinesTest {

    private static final DefaultDataBufferFactory BUFFERS = new DefaultDataBufferFactory();

    @Test
    void shouldJoinLinesSplitAcrossBuffersAndNumberThemSkippingBlankOnes() {
        Flux<DataBuffer> body = buffers("{\"data\":\"a\"}\r\n{\"da", "ta\":\"b\"}\n\n", "{\"data\":\"c\"}");

        StepVerifier.create(NdjsonLines.split(body, 100))
                .expectNext(new NdjsonLines.Line(1, "{\"data\":\"a\"}"))
                .expectNext(new NdjsonLines.Line(2, "{\"data\":\"b\"}"))
                .expectNext(new NdjsonLines.Line(4, "{\"data\":\"c\"}"))
                .verifyComplete();
    }

    @Test
    void shouldDecodeACharacterWhoseBytesArriveInTwoBuffers() {
        byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8);
        Flux<DataBuffer> body = Flux.just(BUFFERS.wrap(Arrays.copyOfRange(euro, 0, 1)),
                BUFFERS.wrap(Arrays.copyOfRange(euro, 1, euro.length)));

        StepVerifier.create(NdjsonLines.split(body, 100)).expectNext(new NdjsonLines.Line(1, "€")).verifyComplete();
    }

    @Test
    void shouldRefuseALineOverTheLimitWithItsNumberAsSoonAsItGetsThatLong() {
        Flux<DataBuffer> body = buffers("short\n", "x".repeat(11)).concatWith(Flux.error(new AssertionError("read on")));

        StepVerifier.create(NdjsonLines.split(body, 10))
                .expectNext(new NdjsonLines.Line(1, "short"))
                .verifyErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(BadLineException.class).hasCauseInstanceOf(PayloadTooLargeException.class);
                    assertThat(((BadLineException) error).line()).isEqualTo(2);
                });
    }

    @Test
    void shouldRefuseALineThatIsNotUtf8() {
        Flux<DataBuffer> body = Flux.just(BUFFERS.wrap("ok\n".getBytes(StandardCharsets.UTF_8)),
                BUFFERS.wrap(new byte[] {'a', (byte) 0xC3, 0x28, '\n'}));

        StepVerifier.create(NdjsonLines.split(body, 100))
                .expectNext(new NdjsonLines.Line(1, "ok"))
                .verifyErrorSatisfies(error -> assertThat(((BadLineException) error).line()).isEqualTo(2));
    }

    private static Flux<DataBuffer> buffers(String... parts) {
        return Flux.fromArray(parts).map(part -> BUFFERS.wrap(part.getBytes(StandardCharsets.UTF_8)));
    }
}
