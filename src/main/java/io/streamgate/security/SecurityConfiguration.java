package io.streamgate.security;

import java.net.InetAddress;
import java.util.List;

import io.streamgate.config.StreamgateProperties;
import io.streamgate.stream.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The security filter chain. Stateless (no sessions, no cookies, so no CSRF exposure); failures surface as
 * exceptions that the HTTP layer renders as problem details like every other error.
 *
 * <p>With API keys: {@code /stream/**} needs a tenant key, the actuator (but health) an operator key. A JWT
 * resource server would be one more authentication mechanism on this chain producing a principal whose name is the
 * tenant. Without keys: everything is open and the server listens on loopback unless told otherwise.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /**
     * No observations of the security filter chain: with them every request, an SSE reader's for as long as it stays
     * connected, held a Micrometer observation and wrappers for each of the chain's filters, about 4 KB of a reader's
     * heap. Requests are still observed (timed) as a whole by {@code http.server.requests}.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, StreamgateProperties properties) {
        StreamgateProperties.Security security = properties.security();
        ServerAuthenticationEntryPoint entryPoint = (exchange, failure) -> Mono.error(new AuthenticationRequiredException());
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler((exchange, denied) -> Mono.error(
                                new ResponseStatusException(HttpStatus.FORBIDDEN, "This key may not use this endpoint"))));
        configureCors(http, security.cors());
        if (security.open()) {
            WebFilter openAccess = (exchange, chain) -> chain.filter(exchange)
                    .contextWrite(ReactiveSecurityContextHolder.withAuthentication(TenantAuthentication.openAccess()));
            return http.addFilterAt(openAccess, SecurityWebFiltersOrder.AUTHENTICATION)
                    .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                    .build();
        }
        ApiKeyAuthentication apiKeys = new ApiKeyAuthentication(
                new ApiKeys(security.apiKeys()), new ApiKeys(security.operatorKeys()));
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(apiKeys);
        authentication.setServerAuthenticationConverter(apiKeys);
        authentication.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        log.info("API keys required: {} tenant key(s), {} operator key(s)", security.apiKeys().size(),
                security.operatorKeys().size());
        return http.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // The API description and the demo page are public; the calls they describe are not.
                        .pathMatchers("/v3/api-docs", "/v3/api-docs/**", "/", "/index.html", "/demo/**").permitAll()
                        .pathMatchers("/actuator/**").hasRole("OPERATOR")
                        .pathMatchers("/stream/**").hasRole("TENANT")
                        .anyExchange().authenticated())
                .build();
    }

    /** Off unless origins are configured; credentials never with a wildcard (refused at start-up). */
    private static void configureCors(ServerHttpSecurity http, StreamgateProperties.Cors cors) {
        if (cors.allowedOrigins().isEmpty()) {
            http.cors(ServerHttpSecurity.CorsSpec::disable);
            return;
        }
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(cors.allowedOrigins());
        config.setAllowedMethods(List.of("GET", "POST"));
        config.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, ApiKeyAuthentication.API_KEY_HEADER,
                HttpHeaders.CONTENT_TYPE, "Last-Event-ID"));
        config.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER));
        config.setAllowCredentials(cors.allowCredentials());
        config.setMaxAge(cors.maxAge());
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/stream/**", config);
        http.cors(spec -> spec.configurationSource(source));
    }

    /**
     * Requests the firewall refuses (encoded slashes, "..", NUL and the like in the path) become 400 problems like
     * any other bad request, instead of the firewall's empty 400.
     */
    @Bean
    ServerExchangeRejectedHandler rejectedAsProblem() {
        return (exchange, rejected) -> Mono.error(new InvalidRequestException(
                "The request path contains characters or segments that are not allowed"));
    }

    /** An open gateway listens on loopback only, unless {@code server.address} says otherwise; either way, it warns. */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> openGatewayOnLoopback(StreamgateProperties properties,
                                                                                   Environment environment) {
        return new LoopbackForOpenGateway(properties.security().open(), environment.getProperty("server.address"));
    }

    private record LoopbackForOpenGateway(boolean open, String configuredAddress)
            implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

        @Override
        public void customize(NettyReactiveWebServerFactory factory) {
            if (!open) {
                return;
            }
            if (configuredAddress != null) {
                log.warn("No API keys are configured (streamgate.security.api-keys) and server.address is {}: "
                        + "anyone who can reach it can use every stream.", configuredAddress);
                return;
            }
            factory.setAddress(InetAddress.getLoopbackAddress());
            log.warn("No API keys are configured (streamgate.security.api-keys): the API is open, so it listens on {} "
                    + "only. Configure keys, or set server.address to listen elsewhere.",
                    InetAddress.getLoopbackAddress().getHostAddress());
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE; // after Boot's own customizer has applied server.address
        }
    }
}
