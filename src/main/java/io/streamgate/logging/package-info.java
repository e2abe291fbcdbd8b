/**
 * Log lines that a burst would repeat once for each request or record it strikes (an outage, a foreign producer on a
 * topic), said once and then counted.
 */
package io.streamgate.logging;
