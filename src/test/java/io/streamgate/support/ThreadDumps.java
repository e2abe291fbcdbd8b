package io.streamgate.support;

import java.util.Map;

/** Prints every thread's stack, so that a test that hangs in CI says where. */
final class ThreadDumps {

    private ThreadDumps() {
    }

    static void print(String why) {
        StringBuilder dump = new StringBuilder("=== Thread dump: ").append(why).append('\n');
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            dump.append('"').append(thread.getKey().getName()).append("\" ").append(thread.getKey().getState()).append('\n');
            for (StackTraceElement frame : thread.getValue()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        System.out.println(dump);
    }
}
