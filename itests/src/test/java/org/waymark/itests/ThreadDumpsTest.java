package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadDumpsTest {
    private static final List<String> DUMP = """
            2026-12-04 23:30:00
            Full thread dump OpenJDK 64-Bit Server VM (17.0.12+7 mixed mode):

            "FelixStartLevel" #25 daemon prio=5 os_prio=0 cpu=5120.00ms elapsed=60.1s tid=0x1 nid=0x2 runnable
               java.lang.Thread.State: RUNNABLE
            \tat java.lang.ClassLoader.findLoadedClass0(java.base@17/Native Method)
            \tat java.lang.ClassLoader.findLoadedClass(java.base@17/ClassLoader.java:1290)
            \tat org.apache.felix.framework.BundleWiringImpl.findClassOrResourceByDelegation(BundleWiringImpl.java:1540)
            \tat org.apache.felix.framework.BundleWiringImpl.access$300(BundleWiringImpl.java:79)

            "qtp-1-acceptor" #40 prio=5 os_prio=0 cpu=1.00ms elapsed=50.0s tid=0x3 nid=0x4 runnable
               java.lang.Thread.State: RUNNABLE
            \tat sun.nio.ch.Net.accept(java.base@17/Native Method)
            \tat sun.nio.ch.ServerSocketChannelImpl.implAccept(java.base@17/ServerSocketChannelImpl.java:425)

            "pool-3-thread-1" #41 prio=5 os_prio=0 cpu=0.50ms elapsed=50.0s tid=0x5 nid=0x6 waiting on condition
               java.lang.Thread.State: TIMED_WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)

            "Reference Handler" #2 daemon prio=10 os_prio=0 cpu=1.16ms elapsed=3.24s tid=0x9 nid=0x10 waiting on condition
               java.lang.Thread.State: RUNNABLE
            \tat java.lang.ref.Reference.waitForReferencePendingList(java.base@17.0.15/Native Method)
            \tat java.lang.ref.Reference.processPendingReferences(java.base@17.0.15/Reference.java:253)

            "VM Thread" os_prio=0 cpu=30.00ms elapsed=60.2s tid=0x7 nid=0x8 runnable
            """.lines().toList();

    @Test
    void onlyThreadsThatRunJavaCodeAreShownWithTheirTopFrames() {
        List<String> busy = ThreadDumps.busyThreads(DUMP, 2);

        assertThat(busy).hasSize(4);
        assertThat(busy.get(0)).startsWith("\"FelixStartLevel\"");
        assertThat(busy.get(2)).contains("findLoadedClass0");
        assertThat(busy.get(3)).contains("ClassLoader.findLoadedClass(");
        assertThat(String.join("\n", busy)).doesNotContain("acceptor", "pool-3", "Reference Handler", "VM Thread", "findClassOrResource");
    }

    @Test
    void aDumpWithNothingRunningGivesNothing() {
        assertThat(ThreadDumps.busyThreads(DUMP.subList(10, DUMP.size()), 5)).isEmpty();
    }

    private static final List<String> STUCK_AT_STOP = """
            "FelixStartLevel" #25 daemon prio=5 os_prio=0 cpu=5120.00ms elapsed=60.1s tid=0x1 nid=0x2 waiting on condition
               java.lang.Thread.State: TIMED_WAITING (sleeping)
            \tat java.lang.Thread.sleep(java.base@17/Native Method)
            \tat org.apache.derby.impl.store.raw.data.RAFContainer4.recoverContainerAfterInterrupt(RAFContainer4.java:840)
            \tat org.waymark.platform.internal.jobs.JobRunner.deactivate(JobRunner.java:120)
            \tat org.apache.felix.scr.impl.inject.methods.BaseMethod.invokeMethod(BaseMethod.java:244)

            "waymark-jobs-1" #41 prio=5 os_prio=0 cpu=0.50ms elapsed=50.0s tid=0x5 nid=0x6 waiting on condition
               java.lang.Thread.State: WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)
            \tat org.waymark.platform.internal.jobs.JobRunner.runDue(JobRunner.java:200)
            \tat java.lang.Thread.run(java.base@17/Thread.java:840)

            "qtp-1-7" #42 prio=5 os_prio=0 cpu=0.50ms elapsed=50.0s tid=0x7 nid=0x8 waiting on condition
               java.lang.Thread.State: TIMED_WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)
            \tat org.eclipse.jetty.util.thread.QueuedThreadPool.idleJobPoll(QueuedThreadPool.java:1124)
            """.lines().toList();

    @Test
    void atAStopTheStartLevelThreadComesFirstAndDeepThenWaymarksThreadsWaitingOrNot() {
        List<String> stopping = ThreadDumps.stoppingThreads(STUCK_AT_STOP, 4, 1);

        assertThat(stopping).hasSize(9);
        assertThat(stopping.get(0)).startsWith("\"FelixStartLevel\"");
        assertThat(stopping.get(5)).contains("BaseMethod.invokeMethod");
        assertThat(stopping.get(6)).startsWith("\"waymark-jobs-1\"");
        assertThat(stopping.get(8)).contains("Unsafe.park");
        assertThat(String.join("\n", stopping)).doesNotContain("qtp-1-7", "JobRunner.runDue");
    }
}
