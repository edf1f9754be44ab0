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
        for (List<String> thread : threads(dump)) {
            addIfBusy(thread, frames, busy);
        }
        return busy;
    }

    /**
     * What a node that does not stop is doing: Felix stops bundles in its start-level thread, so that thread comes
     * first with {@code deepFrames} frames (what it waits for is deep in a deactivation), then every other thread that
     * is in Waymark's code, running or waiting, with {@code frames} frames.
     */
    static List<String> stoppingThreads(List<String> dump, int deepFrames, int frames) {
        List<String> startLevel = new ArrayList<>();
        List<String> waymark = new ArrayList<>();
        for (List<String> thread : threads(dump)) {
            List<String> stack = thread.subList(2, thread.size()).stream().filter(l -> l.trim().startsWith("at ")).toList();
            if (thread.get(0).startsWith("\"FelixStartLevel\"")) {
                startLevel.addAll(thread.subList(0, 2));
                startLevel.addAll(stack.subList(0, Math.min(deepFrames, stack.size())));
            } else if (stack.stream().anyMatch(frame -> frame.contains("org.waymark."))) {
                waymark.addAll(thread.subList(0, 2));
                waymark.addAll(stack.subList(0, Math.min(frames, stack.size())));
            }
        }
        startLevel.addAll(waymark);
        return startLevel;
    }

    /** The dump's threads, each its header line, its state line and what follows them. */
    private static List<List<String>> threads(List<String> dump) {
        List<List<String>> threads = new ArrayList<>();
        List<String> thread = new ArrayList<>();
        for (String line : dump) {
            if (line.startsWith("\"")) {
                thread = new ArrayList<>();
                threads.add(thread);
            }
            if (!line.isBlank()) {
                thread.add(line);
            }
        }
        threads.removeIf(t -> t.size() < 2 || !t.get(0).startsWith("\""));
        return threads;
    }

    private static void addIfBusy(List<String> thread, int frames, List<String> busy) {
        if (!thread.get(1).contains("RUNNABLE")) {
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
