package io.streamgate;

/**
 * The same proof as {@link BlockHoundTest}, in the integration-test JVM (Failsafe), where the gateway, the
 * processor and the broker run: without it, the ITs would say nothing about blocking.
 */
class BlockHoundIT extends BlockHoundTest {
}
