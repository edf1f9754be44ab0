package org.waymark.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;

class GracefulStopTest {
    private final ProxyFramework framework = new ProxyFramework();
    private final RequestActivity activity = new RequestActivity();
    private final Bundle system = framework.installed(Constants.SYSTEM_BUNDLE_ID, Bundle.ACTIVE).bundle();
    private final Bundle other = framework.installed(120, Bundle.ACTIVE).bundle();

    @Test
    void theFrameworkStoppingDrainsTheRequestsInFlightBeforeAnyBundleStops() throws Exception {
        GracefulStop stop = new GracefulStop(framework.context(), activity);
        activity.started();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread felixShutdown = new Thread(() -> {
            framework.fire(BundleEvent.STOPPING, system);
            stopped.countDown(); // Felix lowers the start level only now
        });
        felixShutdown.start();

        assertThat(stopped.await(300, TimeUnit.MILLISECONDS)).as("the stop waits for the request in flight").isFalse();
        assertThat(activity.stopping()).as("new requests are refused meanwhile").isTrue();
        activity.ended();
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        stop.deactivate();
        assertThat(framework.listeners).isEmpty();
    }

    @Test
    void anotherBundleStoppingDrainsNothing() {
        new GracefulStop(framework.context(), activity);
        activity.started();

        framework.fire(BundleEvent.STOPPING, other);
        framework.fire(BundleEvent.STOPPED, system);

        assertThat(activity.stopping()).isFalse();
    }

    /** Jetty's lifecycle bean as far as the test needs it: like Jetty's ObjectMBean, it reads the signature it is given. */
    private static DynamicMBean lifeCycle(AtomicInteger stops) {
        return new DynamicMBean() {
            @Override
            public Object invoke(String operation, Object[] params, String[] signature) {
                if (operation.equals("stop") && params.length == 0 && signature.length == 0) {
                    stops.incrementAndGet();
                }
                return null;
            }

            @Override
            public MBeanInfo getMBeanInfo() {
                return new MBeanInfo("org.eclipse.jetty.util.component.ContainerLifeCycle", "lifecycle", null, null,
                        new MBeanOperationInfo[] {new MBeanOperationInfo("stop", "Stops", null, "void", MBeanOperationInfo.ACTION)},
                        null);
            }

            @Override
            public Object getAttribute(String attribute) {
                return null;
            }

            @Override
            public void setAttribute(Attribute attribute) {
            }

            @Override
            public AttributeList getAttributes(String[] attributes) {
                return new AttributeList();
            }

            @Override
            public AttributeList setAttributes(AttributeList attributes) {
                return new AttributeList();
            }
        };
    }

    @Test
    void afterTheDrainJettysConnectorsAreStoppedAndNothingElse() throws Exception {
        MBeanServer beans = MBeanServerFactory.newMBeanServer();
        AtomicInteger connectorStops = new AtomicInteger();
        AtomicInteger serverStops = new AtomicInteger();
        beans.registerMBean(lifeCycle(connectorStops),
                new ObjectName("org.eclipse.jetty.server:context=HTTP_1_1@3cdcd656,type=serverconnector,id=0"));
        beans.registerMBean(lifeCycle(serverStops),
                new ObjectName("org.eclipse.jetty.server:type=server,id=0"));

        assertThat(GracefulStop.stopListening(beans)).isEqualTo(1);
        assertThat(connectorStops).hasValue(1);
        assertThat(serverStops).as("Pax Web stops the server itself, later").hasValue(0);
        assertThat(GracefulStop.stopListening(MBeanServerFactory.newMBeanServer())).as("JMX without Jetty's beans").isZero();
    }
}
