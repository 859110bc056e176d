package dev.voxpipe.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class LocalStackIT {

    @Test
    void brokerAndRegistryAnswerOnLoopback(LocalStack stack) throws Exception {
        assertTrue(stack.bootstrapServers().startsWith("127.0.0.1:"), stack.bootstrapServers());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            assertEquals(1, admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size());
        }
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, subjects.statusCode());
        assertTrue(subjects.body().trim().startsWith("["), subjects.body());
        System.out.printf("local stack: started in %d ms, resident %d MiB%n",
                stack.startupTime().toMillis(), stack.residentMemoryMib());
    }

    @Test
    void refusesWithAClearMessageWhenAPortIsTaken(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertFalse(Ports.isFree(port));
            LocalStackConfig config = new LocalStackConfig(dir, port, 0, 0, 0, java.time.Duration.ofSeconds(5));
            Ports.PortInUseException e = assertThrows(Ports.PortInUseException.class, () -> LocalStack.start(config));
            assertEquals(port, e.port());
            assertTrue(e.getMessage().contains("Kafka broker") && e.getMessage().contains("VOXPIPE_KAFKA_PORT"),
                    e.getMessage());
        }
    }
}
