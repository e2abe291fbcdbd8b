package io.streamgate.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Prints every thread's stack, with what it waits for and which thread holds that lock, so that a test that hangs
 * in CI says where.
 */
final class ThreadDumps {

    private ThreadDumps() {
    }

    static void print(String why) {
        StringBuilder dump = new StringBuilder("=== Thread dump: ").append(why).append('\n');
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockInfo() != null) {
                dump.append(" waiting for ").append(thread.getLockInfo());
            }
            if (thread.getLockOwnerName() != null) {
                dump.append(" held by ").append(thread.getLockOwnerName());
            }
            dump.append('\n');
            for (StackTraceElement frame : thread.getStackTrace()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        System.out.println(dump);
    }
}
