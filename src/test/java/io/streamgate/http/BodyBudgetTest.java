package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.streamgate.config.TenantShare;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.LimitExceededException;
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
    private static final String TENANT = "tenant";
    private final BodyBudget budget = new BodyBudget(10, TenantShare.fixed(10));

    @Test
    void shouldReserveWhatABodyDeclaresUntilItsSendEndsAndRefuseWhatWouldExceedTheBudget() {
        Sinks.One<String> first = Sinks.one();
        budget.reserving(TENANT, declaring(6), 100, first::asMono).subscribe();
        assertThat(budget.reserved()).isEqualTo(6);

        StepVerifier.create(budget.reserving(TENANT, declaring(5), 100, () -> Mono.just("read")))
                .expectErrorSatisfies(refused -> assertThat(refused).isInstanceOf(CommandLogBusyException.class)
                        .hasMessage("Sends of 0 KB are already being read or waiting for Kafka on this node; nothing"
                                + " was stored. Retry shortly.")
                        .extracting(busy -> ((CommandLogBusyException) busy).limit()).isEqualTo("max-bytes-in-flight"))
                .verify(TIMEOUT);
        StepVerifier.create(budget.reserving(TENANT, declaring(4), 100, () -> Mono.just("read"))).as("up to the budget")
                .expectNext("read").expectComplete().verify(TIMEOUT);

        first.tryEmitValue("answered");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void shouldGiveTheReservationBackBeforeTheAnswerGoesOn() {
        StepVerifier.create(budget.reserving(TENANT, declaring(6), 100, () -> Mono.just("answered"))
                        .map(answer -> budget.reserved()))
                .as("a client answered at the bound and sending again at once is not refused by its own send")
                .expectNext(0L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(budget.reserving(TENANT, declaring(6), 100, () -> Mono.error(new IllegalStateException("failed")))
                        .onErrorResume(failure -> Mono.just(budget.reserved())))
                .expectNext(0L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldReserveTheLargestBodyForOneThatDeclaresNoLength() {
        Sinks.One<String> undeclared = Sinks.one();
        budget.reserving(TENANT, MockServerRequest.builder().method(HttpMethod.POST).build(), 7, undeclared::asMono)
                .subscribe(answer -> { }, failure -> { });
        assertThat(budget.reserved()).isEqualTo(7);
        undeclared.tryEmitError(new IllegalStateException("failed"));
        assertThat(budget.reserved()).as("given back on failure").isZero();
    }

    @Test
    void shouldGiveTheReservationBackWhenTheClientGoesAway() {
        Sinks.One<String> pending = Sinks.one();
        budget.reserving(TENANT, declaring(9), 100, pending::asMono).subscribe().dispose();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void shouldReadABodyLargerThanTheBudgetWhenNoOtherIsBeingRead() {
        StepVerifier.create(budget.reserving(TENANT, declaring(50), 100, () -> Mono.just("read"))).expectNext("read")
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldCountASocketsMessagesAsTheyArriveAndRefuseOneBeyondTheBudget() {
        BodyBudget.Holding socket = budget.holding(TENANT);
        assertThat(socket.take(6)).isTrue();
        assertThat(socket.take(5)).as("beyond the budget").isFalse();
        assertThat(budget.reserved()).as("nothing counted of the refused one").isEqualTo(6);
        assertThat(socket.take(4)).as("up to the budget").isTrue();

        StepVerifier.create(budget.reserving(TENANT, declaring(1), 100, () -> Mono.just("read")))
                .as("a send meets the same budget").expectError(CommandLogBusyException.class).verify(TIMEOUT);
        socket.giveBack(6);
        assertThat(budget.reserved()).isEqualTo(4);
    }

    @Test
    void shouldGiveBackWhatASocketStillHoldsWhenItClosesAndCountNothingAfter() {
        BodyBudget.Holding socket = budget.holding(TENANT);
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
        assertThat(budget.holding(TENANT).take(50)).isTrue();
        assertThat(budget.holding(TENANT).take(1)).isFalse();
    }

    @Test
    void shouldRefuseATenantPastItsShareWith429WhileOthersStillHaveRoom() {
        BodyBudget shared = new BodyBudget(10, TenantShare.fixed(6));
        Sinks.One<String> first = Sinks.one();
        shared.reserving("a", declaring(4), 100, first::asMono).subscribe();

        StepVerifier.create(shared.reserving("a", declaring(3), 100, () -> Mono.just("read")))
                .expectErrorSatisfies(refused -> assertThat(refused).isInstanceOf(LimitExceededException.class)
                        .hasMessage("Your sends of 0 KB are already being read or waiting for Kafka on this node;"
                                + " nothing was stored. Retry shortly.")
                        .satisfies(limit -> {
                            assertThat(((LimitExceededException) limit).limit())
                                    .isEqualTo("max-bytes-in-flight-per-tenant");
                            assertThat(((LimitExceededException) limit).retryAfter()).isEqualTo(Duration.ofSeconds(1));
                        }))
                .verify(TIMEOUT);
        assertThat(shared.reserved()).as("nothing of the refused send counted").isEqualTo(4);
        StepVerifier.create(shared.reserving("b", declaring(6), 100, () -> Mono.just("read"))).as("another tenant")
                .expectNext("read").expectComplete().verify(TIMEOUT);

        first.tryEmitValue("answered");
        assertThat(shared.reserved("a")).isZero();
        assertThat(shared.reserved()).isZero();
    }

    @Test
    void shouldSayTheNodeIsFullWhenItIsAndGiveItBackWhenTheShareRefuses() {
        BodyBudget shared = new BodyBudget(10, TenantShare.fixed(6));
        Sinks.One<String> other = Sinks.one();
        shared.reserving("b", declaring(6), 100, other::asMono).subscribe();

        StepVerifier.create(shared.reserving("b", declaring(5), 100, () -> Mono.just("read")))
                .as("past b's share and the node's room: the node's 503").expectError(CommandLogBusyException.class)
                .verify(TIMEOUT);
        StepVerifier.create(shared.reserving("b", declaring(1), 100, () -> Mono.just("read")))
                .as("past b's share only").expectError(LimitExceededException.class).verify(TIMEOUT);
        assertThat(shared.reserved()).as("the node's room given back").isEqualTo(6);
        other.tryEmitValue("answered");
    }

    @Test
    void shouldCountASocketsFramesInItsTenantsShareAndSayWhichBoundRefusedOne() {
        BodyBudget shared = new BodyBudget(10, TenantShare.fixed(6));
        BodyBudget.Holding a = shared.holding("a");
        BodyBudget.Holding b = shared.holding("b");
        assertThat(a.take(5)).isTrue();
        assertThat(a.take(2)).as("past a's share").isFalse();
        assertThat(a.refusedForTheTenant()).isTrue();
        assertThat(b.take(5)).as("b's own share").isTrue();
        assertThat(b.take(1)).as("b's share has room, the node none").isFalse();
        assertThat(b.refusedForTheTenant()).isFalse();
        assertThat(shared.reserved("b")).as("nothing of the refused frame counted").isEqualTo(5);

        a.close();
        b.giveBack(5);
        assertThat(shared.reserved()).isZero();
        assertThat(shared.reserved("a")).isZero();
        assertThat(shared.reserved("b")).isZero();
    }

    private static ServerRequest declaring(long length) {
        return MockServerRequest.builder().method(HttpMethod.POST)
                .header(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).build();
    }
}
