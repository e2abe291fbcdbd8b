package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.streamgate.stream.CommandLogBusyException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class BodyBudgetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final BodyBudget budget = new BodyBudget(10);

    @Test
    void shouldReserveWhatABodyDeclaresUntilItsSendEndsAndRefuseWhatWouldExceedTheBudget() {
        Sinks.One<String> first = Sinks.one();
        budget.reserving(declaring(6), 100, first::asMono).subscribe();
        assertThat(budget.reserved()).isEqualTo(6);

        StepVerifier.create(budget.reserving(declaring(5), 100, () -> Mono.just("read")))
                .expectErrorSatisfies(refused -> assertThat(refused).isInstanceOf(CommandLogBusyException.class)
                        .hasMessage("Sends of 0 KB are already being read or waiting for Kafka on this node; nothing"
                                + " was stored. Retry shortly.")
                        .extracting(busy -> ((CommandLogBusyException) busy).limit()).isEqualTo("max-bytes-in-flight"))
                .verify(TIMEOUT);
        StepVerifier.create(budget.reserving(declaring(4), 100, () -> Mono.just("read"))).as("up to the budget")
                .expectNext("read").expectComplete().verify(TIMEOUT);

        first.tryEmitValue("answered");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void shouldGiveTheReservationBackBeforeTheAnswerGoesOn() {
        StepVerifier.create(budget.reserving(declaring(6), 100, () -> Mono.just("answered"))
                        .map(answer -> budget.reserved()))
                .as("a client answered at the bound and sending again at once is not refused by its own send")
                .expectNext(0L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(budget.reserving(declaring(6), 100, () -> Mono.error(new IllegalStateException("failed")))
                        .onErrorResume(failure -> Mono.just(budget.reserved())))
                .expectNext(0L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldReserveTheLargestBodyForOneThatDeclaresNoLength() {
        Sinks.One<String> undeclared = Sinks.one();
        budget.reserving(MockServerRequest.builder().method(HttpMethod.POST).build(), 7, undeclared::asMono)
                .subscribe(answer -> { }, failure -> { });
        assertThat(budget.reserved()).isEqualTo(7);
        undeclared.tryEmitError(new IllegalStateException("failed"));
        assertThat(budget.reserved()).as("given back on failure").isZero();
    }

    @Test
    void shouldGiveTheReservationBackWhenTheClientGoesAway() {
        Sinks.One<String> pending = Sinks.one();
        budget.reserving(declaring(9), 100, pending::asMono).subscribe().dispose();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void shouldReadABodyLargerThanTheBudgetWhenNoOtherIsBeingRead() {
        StepVerifier.create(budget.reserving(declaring(50), 100, () -> Mono.just("read"))).expectNext("read")
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldCountASocketsMessagesAsTheyArriveAndRefuseOneBeyondTheBudget() {
        BodyBudget.Holding socket = budget.holding();
        assertThat(socket.take(6)).isTrue();
        assertThat(socket.take(5)).as("beyond the budget").isFalse();
        assertThat(budget.reserved()).as("nothing counted of the refused one").isEqualTo(6);
        assertThat(socket.take(4)).as("up to the budget").isTrue();

        StepVerifier.create(budget.reserving(declaring(1), 100, () -> Mono.just("read")))
                .as("a send meets the same budget").expectError(CommandLogBusyException.class).verify(TIMEOUT);
        socket.giveBack(6);
        assertThat(budget.reserved()).isEqualTo(4);
    }

    @Test
    void shouldGiveBackWhatASocketStillHoldsWhenItClosesAndCountNothingAfter() {
        BodyBudget.Holding socket = budget.holding();
        socket.take(3);
        socket.take(4);
        socket.giveBack(3);

        socket.close();
        assertThat(budget.reserved()).isZero();
        socket.giveBack(4);
        assertThat(budget.reserved()).as("what the close gave back is not given back again").isZero();
        assertThat(socket.take(2)).as("a closed socket holds nothing more").isFalse();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void shouldTakeAMessageLargerThanTheBudgetWhenNothingElseIsHeld() {
        assertThat(budget.holding().take(50)).isTrue();
        assertThat(budget.holding().take(1)).isFalse();
    }

    private static ServerRequest declaring(long length) {
        return MockServerRequest.builder().method(HttpMethod.POST)
                .header(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).build();
    }
}
