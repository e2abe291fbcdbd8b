/**
 * The HTTP API: functional routes, thin handlers (parse, delegate to {@code stream}, map), bounded request
 * bodies, Server-Sent Events framing, and every error rendered as RFC 9457 problem details in one place.
 */
package io.streamgate.http;
