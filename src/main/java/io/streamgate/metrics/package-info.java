/** Micrometer meters of the gateway, exported at {@code /actuator/prometheus}. */
package io.streamgate.metrics;
