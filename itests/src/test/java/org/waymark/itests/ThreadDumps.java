package org.waymark.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a {@code jcmd Thread.print} dump for the threads that are doing something: a slow start is explained by
 * what runs, not by the hundred threads parked in their pools, and the build log has room for the first only.
 */
final class ThreadDumps {
    /** Threads that are RUNNABLE only in name: they sit in the kernel waiting for a connection or an event. */
    private static final Pattern WAITING_IN_NATIVE_CODE = Pattern.compile(
            "EPoll\\.wait|epollWait|Net\\.accept|accept0|socketRead|Net\\.poll|FileDispatcherImpl\\.read0"
                    + "|ProcessHandleImpl\\.waitForProcessExit|Signal\\.dispatch|ConsoleImpl|readBytes"
                    + "|waitForReferencePendingList|LinuxWatchService\\.poll");

    private ThreadDumps() {
    }

    /** Each busy thread's header line and state, followed by its top {@code frames} frames. */
    static List<String> busyThreads(List<String> dump, int frames) {
        List<String> busy = new ArrayList<>();
        List<String> thread = new ArrayList<>();
        for (String line : dump) {
            if (line.startsWith("\"")) {
                addIfBusy(thread, frames, busy);
                thread = new ArrayList<>();
            }
            if (!line.isBlank()) {
                thread.add(line);
            }
        }
        addIfBusy(thread, frames, busy);
        return busy;
    }

    private static void addIfBusy(List<String> thread, int frames, List<String> busy) {
        if (thread.size() < 2 || !thread.get(0).startsWith("\"") || !thread.get(1).contains("RUNNABLE")) {
            return;
        }
        List<String> stack = thread.subList(2, thread.size()).stream().filter(l -> l.trim().startsWith("at ")).toList();
        if (stack.isEmpty() || WAITING_IN_NATIVE_CODE.matcher(stack.get(0)).find()) {
            return;
        }
        busy.add(thread.get(0));
        busy.add(thread.get(1));
        busy.addAll(stack.subList(0, Math.min(frames, stack.size())));
    }
}
