package streamgate;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * The request counters of a running gateway's embedded broker, read over JMX through the attach API: how many requests
 * of each kind it has answered, and how many answers carried each error (Kafka's {@code kafka.network} request
 * metrics), one {@code requests:<request> <count>} or {@code errors:<request>:<error> <count>} line each, summed over
 * request versions. A caller takes the difference of two readings (latency-breakdown.sh); the broker's per-second
 * rates are decayed averages, so only the counts are read. {@code <error>} is an error answer ({@code
 * CONCURRENT_TRANSACTIONS}: a transaction's request reached the broker before the last one's markers had). The first
 * reading starts the gateway's local management agent (attach only, no port), which stays until the gateway ends.
 * Beside the counts, where the requests' time went: {@code millis:<request>:<phase> <sum>}, the milliseconds all
 * requests of a kind have spent in each phase of Kafka's request metrics ({@code RequestQueueTimeMs} waiting for a
 * request handler, {@code LocalTimeMs} handled, {@code RemoteTimeMs} waiting for another request (a produce for
 * the transaction coordinator's check of its partition), {@code ResponseQueueTimeMs} and {@code ResponseSendTimeMs}
 * answering, {@code TotalTimeMs}); each histogram's mean times its count, since its mean is over every request.
 * <pre>
 *   java -cp &lt;load-tests classpath&gt; streamgate.BrokerRequests &lt;pid of the gateway&gt;
 * </pre>
 */
public final class BrokerRequests {

    private static final Pattern REQUEST = Pattern.compile("request=([A-Za-z]+)");
    private static final Pattern ERROR = Pattern.compile("error=([A-Z_]+)");
    private static final String[] PHASES = {"RequestQueueTimeMs", "LocalTimeMs", "RemoteTimeMs",
            "ResponseQueueTimeMs", "ResponseSendTimeMs", "TotalTimeMs"};

    public static void main(String[] args) throws Exception {
        VirtualMachine gateway = VirtualMachine.attach(args[0]);
        String address = gateway.startLocalManagementAgent();
        gateway.detach();
        Map<String, Long> counts = new TreeMap<>();
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            count(server, "kafka.network:type=RequestMetrics,name=RequestsPerSec,*", counts);
            count(server, "kafka.network:type=RequestMetrics,name=ErrorsPerSec,*", counts);
            for (String phase : PHASES) {
                millis(server, phase, counts);
            }
        }
        counts.forEach((kind, count) -> System.out.println(kind + " " + count));
    }

    /** Adds each request kind's milliseconds in {@code phase}, rounded, under {@code millis:<request>:<phase>}. */
    private static void millis(MBeanServerConnection server, String phase, Map<String, Long> counts) throws Exception {
        for (ObjectName name : server.queryNames(
                new ObjectName("kafka.network:type=RequestMetrics,name=" + phase + ",*"), null)) {
            String request = group(REQUEST, name);
            if (request == null) {
                continue;
            }
            double mean = ((Number) server.getAttribute(name, "Mean")).doubleValue();
            long count = ((Number) server.getAttribute(name, "Count")).longValue();
            counts.merge("millis:" + request + ":" + phase, Math.round(mean * count), Long::sum);
        }
    }

    /** Adds each matching counter under {@code requests:<request>} or {@code errors:<request>:<error>}. */
    private static void count(MBeanServerConnection server, String pattern, Map<String, Long> counts) throws Exception {
        for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
            String request = group(REQUEST, name);
            String error = group(ERROR, name);
            if (request == null || "NONE".equals(error)) {
                continue;
            }
            String kind = error == null ? "requests:" + request : "errors:" + request + ":" + error;
            counts.merge(kind, ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
        }
    }

    private static String group(Pattern pattern, ObjectName name) {
        Matcher matcher = pattern.matcher(name.toString());
        return matcher.find() ? matcher.group(1) : null;
    }
}
