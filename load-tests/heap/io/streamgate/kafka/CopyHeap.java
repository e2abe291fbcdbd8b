package io.streamgate.kafka;

import java.util.UUID;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.stream.KeyHeap;

/**
 * Heap of a processor's {@link CopyIndex} full: {@link CopyIndex#MAX_COPIES} chunks sent under an Idempotency-Key,
 * each of its own stream (a tenant's key and a generated id, as the records' own strings hold them) and with a key of
 * 36 characters and its data's digest, the heap after full GCs before and after. Run by load-tests/heap.sh.
 */
public final class CopyHeap {

    public static void main(String[] args) throws InterruptedException {
        long before = KeyHeap.heapUsed();
        CopyIndex copies = new CopyIndex();
        for (int offset = 0; offset < CopyIndex.MAX_COPIES; offset++) {
            String stream = "tenant-" + offset % 100 + ":" + UUID.randomUUID().toString().replace("-", "");
            String recordedKey = UUID.randomUUID() + " " + "Om6weQ85rIfJTzhW";
            copies.note(0, 1, offset, StreamCommand.chunk(stream, "uppercase", "data", recordedKey));
        }
        long after = KeyHeap.heapUsed();
        System.out.printf("a full copy index: %,d copies, %.1f MB, %.1f bytes a copy%n", copies.size(),
                (after - before) / 1e6, (after - before) / (double) copies.size());
    }
}
