package io.streamgate.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap per remembered Idempotency-Key: 200 streams' {@link IdempotencyKeys} of 1,000 keys each, half learned from the
 * results log and half from sends, the heap after full GCs before and after. Run by load-tests/heap.sh, which
 * compiles it into the gateway's package (the class it measures is package-private).
 */
public final class KeyHeap {

    public static void main(String[] args) throws InterruptedException {
        int length = args.length > 0 ? Integer.parseInt(args[0]) : 36;
        int streams = 200;
        int keysPerStream = 1000;
        long before = heapUsed();
        List<IdempotencyKeys> held = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            IdempotencyKeys keys = new IdempotencyKeys(1024, () -> Long.MAX_VALUE, new AtomicInteger());
            for (int i = 0; i < keysPerStream; i++) {
                IdempotencyKeys.KeyedSend send = IdempotencyKeys.KeyedSend.of(key(length), "data " + i);
                long seq = i;
                if (i % 2 == 0) {
                    keys.stored(send.recorded(), seq);
                } else {
                    keys.outcome(send, 0, since -> CompletableFuture.completedFuture(seq));
                }
            }
            held.add(keys);
        }
        long after = heapUsed();
        int remembered = held.stream().mapToInt(IdempotencyKeys::size).sum();
        System.out.printf("keys of %d characters: %.1f bytes a remembered key (%,d keys)%n",
                length, (after - before) / (double) remembered, remembered);
    }

    private static String key(int length) {
        StringBuilder key = new StringBuilder();
        while (key.length() < length) {
            key.append(UUID.randomUUID());
        }
        return key.substring(0, length);
    }

    /** The heap in use after full collections: what the mains here take differences of. */
    public static long heapUsed() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
