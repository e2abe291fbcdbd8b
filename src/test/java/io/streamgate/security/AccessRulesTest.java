package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import reactor.core.publisher.Mono;

class AccessRulesTest {

    private final AccessRules rules = new AccessRules();

    /** caller: none, or the authorities it holds, separated by '+' ("authenticated": a caller holding none). */
    @ParameterizedTest(name = "{0} {1} by {2}: {3}")
    @CsvSource({
            "GET,  /actuator/health,              none,                                        true",
            "GET,  /actuator/health/readiness,    none,                                        true",
            "GET,  /v3/api-docs,                  none,                                        true",
            "GET,  /v3/api-docs/swagger-config,   none,                                        true",
            "GET,  /,                             none,                                        true",
            "GET,  /index.html,                   none,                                        true",
            "GET,  /demo/app.js,                  none,                                        true",
            "GET,  /actuator/prometheus,          none,                                        false",
            "GET,  /actuator/prometheus,          ROLE_TENANT+SCOPE_streams:read+SCOPE_streams:write, false",
            "GET,  /actuator/prometheus,          ROLE_OPERATOR,                               true",
            "GET,  /stream/job-1/results,         none,                                        false",
            "GET,  /stream/job-1/results,         ROLE_TENANT+SCOPE_streams:read,              true",
            "GET,  /stream/job-1,                 ROLE_TENANT+SCOPE_streams:write,             false",
            "GET,  /stream/job-1/results,         ROLE_OPERATOR,                               false",
            "POST, /stream/job-1/send,            ROLE_TENANT+SCOPE_streams:write,             true",
            "POST, /stream/start,                 ROLE_TENANT+SCOPE_streams:read,              false",
            "GET,  /stream/job-1/ws,              ROLE_TENANT+SCOPE_streams:read,              false",
            "GET,  /stream/job-1/ws,              ROLE_TENANT+SCOPE_streams:read+SCOPE_streams:read, false",
            "GET,  /stream/job-1/ws,              ROLE_TENANT+SCOPE_streams:read+SCOPE_streams:write, true",
            "GET,  /stream/a/b/ws,                ROLE_TENANT+SCOPE_streams:read,              true",
            "HEAD, /stream/job-1,                 ROLE_TENANT,                                 false",
            "HEAD, /stream/job-1/results,         ROLE_TENANT+SCOPE_streams:read,              true",
            "DELETE, /stream/job-1,               SCOPE_streams:read,                          false",
            "DELETE, /stream/job-1,               ROLE_TENANT,                                 true",
            "GET,  /elsewhere,                    none,                                        false",
            "GET,  /elsewhere,                    authenticated,                               true",
    })
    void shouldDecideByTheFirstRuleThatMatches(String method, String path, String caller, boolean allowed) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.method(HttpMethod.valueOf(method), path));

        boolean decided = rules.authorize(authentication(caller), exchange)
                .block(Duration.ofSeconds(1)).isGranted();

        assertThat(decided).as("%s %s by %s", method, path, caller).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"GET, /stream/job-1", "POST, /stream/job-1/send", "GET, /actuator/prometheus", "GET, /elsewhere"})
    void shouldRefuseACallerWhoIsNotAuthenticatedWhateverItHolds(String method, String path) {
        TestingAuthenticationToken unauthenticated = new TestingAuthenticationToken("tenant", null,
                AuthorityUtils.createAuthorityList("ROLE_TENANT", "ROLE_OPERATOR", "SCOPE_streams:read",
                        "SCOPE_streams:write"));
        unauthenticated.setAuthenticated(false);
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.method(HttpMethod.valueOf(method), path));

        assertThat(rules.authorize(Mono.just(unauthenticated), exchange)
                .block(Duration.ofSeconds(1)).isGranted()).isFalse();
    }

    private static Mono<Authentication> authentication(String caller) {
        if (caller.equals("none")) {
            return Mono.empty();
        }
        String[] authorities = caller.equals("authenticated") ? new String[0] : caller.split("\\+");
        return Mono.just(new TestingAuthenticationToken("tenant", null,
                AuthorityUtils.createAuthorityList(authorities)));
    }
}
