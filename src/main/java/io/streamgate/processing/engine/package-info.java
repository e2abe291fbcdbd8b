/**
 * Runs processors on the requests log, like a key-ordered parallel consumer: each stream strictly in order, a bounded
 * number of streams per partition at once, each partition's reading paused past its share of a bounded backlog.
 * Results, the streams' state and the consumed positions leave in one transaction per commit (the
 * {@link io.streamgate.processing.engine.ProcessingLog} port, which the {@code kafka} package implements), so a
 * processor that takes a partition over carries on exactly where the last commit left it. One
 * {@link io.streamgate.processing.engine.Incarnation} per connection to the log; all its bookkeeping runs on one
 * coordinator thread, processors' callbacks on workers (an instant processor's on the coordinator).
 */
package io.streamgate.processing.engine;
