/**
 * The one {@code streamgate.*} configuration tree: immutable records with typed defaults, checked at start-up.
 * Raw Kafka client settings are passed through by prefix rather than re-modelled here.
 */
package io.streamgate.config;
