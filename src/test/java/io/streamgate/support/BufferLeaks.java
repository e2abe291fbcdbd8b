package io.streamgate.support;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector, counting every leak it finds and keeping the first reports, so that a test can fail on them
 * instead of a log line, which fails no build. A buffer that is never released is direct memory never given back.
 *
 * <p>The build installs it in every test JVM ({@code -Dio.netty.customResourceLeakDetector}) with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked, not one in 128, and each report says
 * where its buffer was made and last touched. {@link NoBufferLeaks} fails each test class after which one is found.
 */
public final class BufferLeaks<T> extends ResourceLeakDetector<T> {

    /** A leak in a request's path repeats once per request: the first few say where, the count how often. */
    private static final int REPORTS_KEPT = 3;

    /** What was found since the last {@link #take()}: guarded by the class, so a count and its reports go together. */
    private static int found;
    private static final List<String> kept = new ArrayList<>();
    private static final AtomicBoolean installed = new AtomicBoolean();

    /** How many leaks were found, and the reports of the first few. */
    public record Leaks(int count, List<String> firstReports) {
    }

    /** Called by Netty's detector factory, by reflection, once per tracked resource type. */
    public BufferLeaks(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed.set(true);
    }

    /** Netty's factory looks for this older constructor first, and logs an error when it is missing. */
    public BufferLeaks(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Whether Netty made a detector of this class in this JVM: false until the first buffer, or when not installed. */
    public static boolean installed() {
        return installed.get();
    }

    /**
     * The leaks found since the last call. Netty finds a leak only when the GC has collected a buffer nobody released
     * and the detector next tracks a buffer, so this collects first, and then has one buffer made and released.
     */
    public static Leaks take() throws InterruptedException {
        if (installed()) {
            collectGarbage();
            ByteBufAllocator.DEFAULT.buffer(1).release();
        }
        return takeFound();
    }

    private static synchronized Leaks takeFound() {
        Leaks leaks = new Leaks(found, List.copyOf(kept));
        found = 0;
        kept.clear();
        return leaks;
    }

    /**
     * Returns once the GC has run and the JVM has queued every reference it cleared. A cleared reference of our own
     * says when, but not alone: the JVM's one reference-handler thread queues what a collection cleared in no set order,
     * so ours can be queued before Netty's (a leak then shows only at the next check: 1 check in about 300 here). A
     * second collection's reference is queued only after all of the first's, so the second wait covers the first.
     */
    private static void collectGarbage() throws InterruptedException {
        collectGarbageOnce();
        collectGarbageOnce();
    }

    private static void collectGarbageOnce() throws InterruptedException {
        ReferenceQueue<Object> cleared = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), cleared);
        System.gc();
        Reference<?> queued = cleared.remove(10_000);
        Reference.reachabilityFence(sentinel);
        if (queued == null) {
            throw new IllegalStateException("System.gc() cleared nothing within 10 s (-XX:+DisableExplicitGC?), "
                    + "so buffer leaks cannot be checked");
        }
    }

    /** Always report: Netty asks its logger, and a test's logging set-up must not turn leak checks off. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        keep(resourceType + " not released before it was garbage-collected:" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        keep(resourceType + " not released before it was garbage-collected (no record of where it was made)");
    }

    private static synchronized void keep(String report) {
        if (++found <= REPORTS_KEPT) {
            kept.add(report);
        }
    }
}
