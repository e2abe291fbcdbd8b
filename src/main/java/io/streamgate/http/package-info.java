/**
 * The HTTP API: functional routes, thin handlers (parse, delegate to {@code stream}, map), bounded request
 * bodies, Server-Sent Events framing, and every error as RFC 9457 problem details of one typed source (ProblemType,
 * ProblemBody): rendered by Problems for whatever reaches WebFlux, written at the Netty level by ConnectionLimits (a
 * connection over the cap), MalformedRequestTargets (a target Spring cannot parse) and UndecodableRequests (a request
 * Netty cannot decode), which answer before WebFlux sees the request, as AsteriskRequests does {@code OPTIONS *}
 * and ConnectRequests a {@code CONNECT}.
 * Http10Framing frames answers to HTTP/1.0 clients, which cannot read chunks and keep a connection only when told.
 */
package io.streamgate.http;
