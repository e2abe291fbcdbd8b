/**
 * Pure transforms: the {@link io.streamgate.processing.StreamProcessor} plug-in interface, its per-stream state,
 * and the built-in processors. No Spring and no Kafka types here, so processors are tested as plain functions.
 */
package io.streamgate.processing;
