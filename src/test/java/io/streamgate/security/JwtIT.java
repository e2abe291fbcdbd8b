package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.BlockingCalls;
import io.streamgate.support.JwksStub;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bearer JWTs beside API keys, verified by Spring Security's resource server against a key set this test serves on
 * loopback, with tokens it signs itself (RS256 and ES256): no identity provider anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.security.api-keys[0]=" + JwtIT.API_KEY,
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + JwtIT.ISSUER,
        "spring.security.oauth2.resourceserver.jwt.audiences=" + JwtIT.AUDIENCE,
        "spring.security.oauth2.resourceserver.jwt.jws-algorithms=RS256,ES256",
        "streamgate.kafka.requests-topic=it.jwt.requests",
        "streamgate.kafka.results-topic=it.jwt.results",
        "streamgate.kafka.processor-group=it-jwt-processor",
        "streamgate.kafka.partitions=2"})
class JwtIT {

    static final String API_KEY = "jwt-it-api-key-5c0e7d19a2";
    static final String ISSUER = "https://issuer.streamgate.test";
    static final String AUDIENCE = "streamgate";
    private static final String BOTH_SCOPES = "streams:read streams:write";

    private static final RSAKey RSA = rsa("rsa-1");
    private static final ECKey EC = ec("ec-1");
    /** Claims the kid of {@link #RSA} but is another key: its signatures do not verify. */
    private static final RSAKey IMPOSTOR = rsa("rsa-1");
    private static final RSAKey NOT_PUBLISHED = rsa("rsa-unknown");
    private static final JwksStub JWKS = new JwksStub();

    static {
        JWKS.publish(List.of(RSA, EC));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", JWKS::url);
    }

    @Test
    void shouldServeAStreamToAValidTokenSignedWithRs256OrEs256() {
        for (JWK key : List.of(RSA, EC)) {
            StreamClient caller = new StreamClient(port, token(key, claims -> claims.subject("alice")));
            String id = caller.start("jwt-" + key.getKeyID() + "-" + System.nanoTime());
            caller.send(id, "signed with " + key.getAlgorithm());

            StreamClient.Answer results = caller.exchange(caller.http().get().uri("/stream/{id}/results", id)
                    .accept(MediaType.APPLICATION_JSON));
            caller.end(id);

            assertThat(results.status()).as("results of %s, answered %s", id, results.body()).isEqualTo(200);
        }
        // Fetching the key set once loaded Netty's zstd support on an event loop (ZstdSupport says why).
        assertThat(BlockingCalls.recorded()).as("blocking calls BlockHound stopped in this JVM")
                .noneMatch(call -> call.contains("io.netty.handler.codec.compression"));
    }

    @Test
    void shouldRefuseEveryInvalidTokenWith401AndNeverLogIt(CapturedOutput output) {
        Instant now = Instant.now();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", token(RSA, claims -> claims.issueTime(Date.from(now.minus(2, ChronoUnit.HOURS)))
                .expirationTime(Date.from(now.minus(1, ChronoUnit.HOURS)))));
        tokens.put("not yet valid", token(RSA, claims -> claims.notBeforeTime(Date.from(now.plus(1, ChronoUnit.HOURS)))));
        tokens.put("wrong issuer", token(RSA, claims -> claims.issuer("https://elsewhere.test")));
        tokens.put("wrong audience", token(RSA, claims -> claims.audience("another-api")));
        tokens.put("bad signature", token(IMPOSTOR, claims -> { }));
        tokens.put("alg none", new PlainJWT(claims(claims -> { })).serialize());
        tokens.put("key id not in the JWKS", token(NOT_PUBLISHED, claims -> { }));
        tokens.put("no tenant claim", token(RSA, claims -> claims.subject(null)));
        tokens.put("malformed", "eyJhbGciOiJSUzI1NiJ9.not-json.c2lnbmF0dXJl");

        tokens.forEach((kind, token) -> {
            StreamClient caller = new StreamClient(port, token);
            for (StreamClient.Answer answer : List.of(
                    caller.exchange(caller.http().post().uri("/stream/start")),
                    caller.exchange(caller.http().get().uri("/stream/some-stream/results")))) {
                assertThat(answer.status()).as("%s token: %s %s", kind, answer.headers(), answer.body()).isEqualTo(401);
                assertThat(answer.headers().get("WWW-Authenticate")).as(kind).contains("error=\"invalid_token\"");
                assertThat(answer.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).as(kind).isTrue();
                assertThat(answer.body().get("status").intValue()).as(kind).isEqualTo(401);
                assertThat(answer.body().toString()).as(kind).doesNotContain(token);
            }
        });
        assertThat(output.getAll()).as("the log").doesNotContain(tokens.values().toArray(String[]::new));
    }

    @Test
    void shouldAskForCredentialsWhenThereAreNone() {
        StreamClient anonymous = new StreamClient(port);
        StreamClient.Answer answer = anonymous.exchange(anonymous.http().post().uri("/stream/start"));

        assertThat(answer.status()).as("answered %s", answer.body()).isEqualTo(401);
        assertThat(answer.headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"streamgate\"");
        assertThat(answer.body().get("detail").stringValue()).contains("bearer token");
    }

    @Test
    void shouldNeedStreamsWriteToStartSendAndEndAndStreamsReadToRead() {
        StreamClient writer = new StreamClient(port, token(RSA, claims -> claims.subject("carol")
                .claim("scope", "streams:write")));
        StreamClient reader = new StreamClient(port, token(RSA, claims -> claims.subject("carol")
                .claim("scope", "streams:read")));
        String id = writer.start("scoped-" + System.nanoTime());
        writer.send(id, "only carol's writer can send this");

        List<StreamClient.Answer> refused = List.of(
                reader.exchange(reader.http().post().uri("/stream/start")),
                reader.trySend(id, "a reader may not send"),
                reader.exchange(reader.http().post().uri("/stream/{id}/end", id)),
                writer.exchange(writer.http().get().uri("/stream/{id}", id)),
                writer.exchange(writer.http().get().uri("/stream/{id}/results", id).accept(MediaType.APPLICATION_JSON)),
                writer.exchange(writer.http().get().uri("/stream/{id}/ws", id)));
        StreamClient.Answer read = reader.exchange(reader.http().get().uri("/stream/{id}", id));
        writer.end(id);

        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.status()).as("answered %s", answer.body()).isEqualTo(403);
            assertThat(answer.body().get("detail").stringValue()).contains("streams:read", "streams:write");
        });
        assertThat(read.status()).as("carol's reader, answered %s", read.body()).isEqualTo(200);
    }

    @Test
    void shouldKeepTenantsApartUnderJwtAndLetTwoUseTheSameId() {
        StreamClient alice = new StreamClient(port, token(RSA, claims -> claims.subject("alice")));
        StreamClient bob = new StreamClient(port, token(EC, claims -> claims.subject("bob")));
        String id = "job-1-" + System.nanoTime();
        alice.start(id);
        alice.send(id, "alice's secret");

        StreamClient.Answer bobsView = bob.exchange(bob.http().get().uri("/stream/{id}", id));
        StreamClient.Answer bobsSend = bob.trySend(id, "bob was here");
        bob.start(id);
        StreamClient.Answer bobsOwn = bob.exchange(bob.http().get().uri("/stream/{id}/results", id)
                .accept(MediaType.APPLICATION_JSON));

        assertThat(bobsView.status()).as("bob reading alice's stream: %s", bobsView.body()).isEqualTo(404);
        assertThat(bobsSend.status()).as("bob sending to alice's stream: %s", bobsSend.body()).isEqualTo(404);
        assertThat(bobsOwn.body().toString()).doesNotContain("secret");
        alice.end(id);
        bob.end(id);
    }

    @Test
    void shouldFetchTheKeySetAgainForAKeyItHasNotSeen() {
        RSAKey rotated = rsa("rsa-2");
        String signedByTheNewKey = token(rotated, claims -> claims.subject("dave"));
        StreamClient dave = new StreamClient(port, signedByTheNewKey);
        StreamClient.Answer beforeRotation = dave.exchange(dave.http().post().uri("/stream/start"));

        JWKS.publish(List.of(RSA, EC, rotated));
        StreamClient.Answer afterRotation = dave.exchange(dave.http().post().uri("/stream/start"));

        assertThat(beforeRotation.status()).as("before: %s", beforeRotation.body()).isEqualTo(401);
        assertThat(afterRotation.status()).as("after: %s", afterRotation.body()).isEqualTo(201);
        dave.end(afterRotation.body().get("stream_id").stringValue());
    }

    @Test
    void shouldStillAcceptApiKeys() {
        StreamClient keyed = new StreamClient(port, API_KEY);
        String id = keyed.start("keyed-" + System.nanoTime());
        keyed.send(id, "a key and a token, side by side");
        keyed.end(id);
    }

    // ---- tokens

    private static String token(JWK key, Consumer<JWTClaimsSet.Builder> changes) {
        JWSAlgorithm algorithm = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims(changes));
        try {
            jwt.sign(key instanceof ECKey ecKey ? new ECDSASigner(ecKey) : new RSASSASigner((RSAKey) key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Valid claims for tenant "erin" with both scopes, then {@code changes}. */
    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> changes) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("erin")
                .claim("scope", BOTH_SCOPES).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(10, ChronoUnit.MINUTES)));
        changes.accept(claims);
        return claims.build();
    }

    private static RSAKey rsa(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey ec(String keyId) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
