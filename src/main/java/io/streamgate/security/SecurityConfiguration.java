package io.streamgate.security;

import java.util.List;

import io.streamgate.config.AfterInitialization;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.stream.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.AuthorizationWebFilter;
import org.springframework.security.web.server.authorization.ExceptionTranslationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.context.ReactorContextWebFilter;
import org.springframework.security.web.server.context.SecurityContextServerWebExchangeWebFilter;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.savedrequest.ServerRequestCacheWebFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The security filter chain. Stateless (no sessions, no cookies: a browser sends no credentials of its own, so a
 * keyed gateway has no CSRF exposure); failures surface as exceptions that the HTTP layer renders as problem details
 * like every other error.
 *
 * <p>With API keys or JWTs ({@link AccessRules}): reading a stream needs {@code streams:read}, starting, sending and
 * ending it {@code streams:write} (a JWT's scopes; an API key has both), the actuator (but health) an operator key.
 * Both kinds of credential end as a {@link TenantAuthentication} whose name is the tenant, so isolation is one rule
 * whichever was presented. JWTs are verified by Spring Security's resource server with the decoder Spring Boot builds
 * from {@code spring.security.oauth2.resourceserver.jwt.*} (JWKS fetched and cached by it). Without either: everything
 * is open and the server listens on loopback unless told otherwise, answering web pages and names of other hosts
 * only as {@link LocalCallersOnly} says.
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
    ApiAccess apiAccess(StreamgateProperties properties, ObjectProvider<ReactiveJwtDecoder> jwtDecoder) {
        return new ApiAccess(properties.security().apiKeys().size(), jwtDecoder.getIfAvailable() != null);
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, StreamgateProperties properties,
                                                  ApiAccess access, ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
                                                  OpenGatewayAddress address) {
        StreamgateProperties.Security security = properties.security();
        ServerAuthenticationEntryPoint entryPoint = (exchange, failure) -> Mono.error(
                failure instanceof OAuth2AuthenticationException invalid
                        ? BearerChallenge.invalidToken(invalid.getError().getDescription())
                        : BearerChallenge.required(access.jwt()));
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // The same headers as Spring Security's defaults, written in one pass (SecurityHeaders says why).
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .addFilterAt(new SecurityHeaders(), SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        configureCors(http, security.cors());
        if (access.open()) {
            WebFilter openAccess = (exchange, chain) -> chain.filter(exchange)
                    .contextWrite(ReactiveSecurityContextHolder.withAuthentication(TenantAuthentication.openAccess()));
            // Everything is permitted, so no authorization rules: without them the DSL adds neither the authorization
            // filter nor the exception translation that serves it, two layers of operators fewer on every request.
            LocalCallersOnly localCallers = new LocalCallersOnly(address.loopback(), security.cors().allowedOrigins());
            return http.addFilterBefore(localCallers, SecurityWebFiltersOrder.CORS)
                    .addFilterAt(openAccess, SecurityWebFiltersOrder.AUTHENTICATION).build();
        }
        ApiKeyAuthentication apiKeys = new ApiKeyAuthentication(
                new ApiKeys(security.apiKeys()), new ApiKeys(security.operatorKeys()));
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(access.jwt()
                ? new KeyOrToken(apiKeys, jwts(jwtDecoder.getObject(), security.jwt()))
                : apiKeys);
        authentication.setServerAuthenticationConverter(apiKeys);
        authentication.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        log.info("Credentials required: {} tenant key(s), {} operator key(s){}", security.apiKeys().size(),
                security.operatorKeys().size(), access.jwt()
                        ? ", JWTs (tenant claim '" + security.jwt().tenantClaim() + "')" : "");
        // What the DSL's authorizeExchange would add, with one rule table decided in one pass as the authorization
        // filter's manager (AccessRules says why not the DSL's matchers, nor its manager around them).
        ExceptionTranslationWebFilter translation = new ExceptionTranslationWebFilter();
        translation.setAuthenticationEntryPoint(entryPoint);
        translation.setAccessDeniedHandler((exchange, denied) -> Mono.error(BearerChallenge.notAllowed()));
        return http.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAt(translation, SecurityWebFiltersOrder.EXCEPTION_TRANSLATION)
                .addFilterAt(new AuthorizationWebFilter(new AccessRules()), SecurityWebFiltersOrder.AUTHORIZATION)
                .build();
    }

    private static ReactiveAuthenticationManager jwts(ReactiveJwtDecoder decoder, StreamgateProperties.Jwt settings) {
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(new JwtTenants(settings.tenantClaim()));
        return manager;
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
     * Spring Security's entry filter, for the one chain above: without a search for the chain per request, and its
     * filters without a checkpoint each (SingleChainProxy and PlainFilterChain say why).
     */
    @Bean
    static BeanPostProcessor singleSecurityChain(ObjectProvider<SecurityWebFilterChain> chain,
                                                 ObjectProvider<ApiAccess> access,
                                                 ObjectProvider<ServerWebExchangeFirewall> firewall,
                                                 ObjectProvider<ServerExchangeRejectedHandler> rejectedHandler) {
        return AfterInitialization.replacing(WebFilterChainProxy.class, proxy -> {
            boolean open = access.getObject().open();
            return new SingleChainProxy(chain.getObject(), filter -> notIdle(filter, open), !open, firewall.getObject(),
                    rejectedHandler.getObject());
        });
    }

    /**
     * The DSL adds filters that the chain above leaves with nothing to do: the request cache's (no saved requests: its
     * cache is the no-op one) and the Reactor context's (no stored security contexts: its repository is the no-op one;
     * the authentication filters put the caller in the context themselves); and on an open gateway the one that makes
     * the exchange's principal the context's caller (the stream API knows its one tenant without asking, a WebSocket
     * without a principal is that tenant's, and the actuator reads the caller from the context itself). Each would add
     * its operators to every request, held as long as the request: an SSE reader's life.
     */
    private static boolean notIdle(WebFilter filter, boolean open) {
        return !(filter instanceof ServerRequestCacheWebFilter) && !(filter instanceof ReactorContextWebFilter)
                && !(open && filter instanceof SecurityContextServerWebExchangeWebFilter);
    }

    /**
     * The entry filter takes it instead of a {@link StrictServerWebExchangeFirewall}. It leaves the check of response
     * headers for CR and LF to Netty, so the gateway does not start with Netty's header validation turned off. The
     * strict firewall's own check would not stand in for it: when it fails at commit, Spring answers 500 with the
     * response's headers as they were, the injected one included (seen with the strict firewall on a server that does
     * not validate, BENCHMARKS.md section 40).
     */
    @Bean
    ServerWebExchangeFirewall strictFirewall(NettyServerProperties netty) {
        if (!netty.isValidateHeaders()) {
            throw new IllegalStateException("server.netty.validate-headers=false turns off Netty's refusal of CR and LF"
                    + " in headers, which keeps a header echoed into a response from injecting others; Streamgate"
                    + " does not run without it");
        }
        return new StrictFirewall();
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
    OpenGatewayAddress openGatewayAddress(ApiAccess access, Environment environment) {
        return new OpenGatewayAddress(access.open(), environment.getProperty("server.address"));
    }
}
