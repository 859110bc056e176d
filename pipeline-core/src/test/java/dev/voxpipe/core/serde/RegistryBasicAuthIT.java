package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.localstack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client's basic authentication ({@code voxpipe.registry.basic-auth}, Confluent's
 * {@code basic.auth.user.info}) against a real Apicurio Registry 3.3.3 that checks it: Quarkus's basic
 * mechanism with embedded users, as {@link LocalStack#startSecuredRegistry} starts it.
 */
class RegistryBasicAuthIT {

    private static final String USER = "voxpipe";
    private static final String PASSWORD = "registry-Pa55:with-colon";

    @TempDir
    static Path dir;
    private static LocalStack.SecuredRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalStack.startSecuredRegistry(dir.resolve("registry"), Map.of(USER, PASSWORD), Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    private static SchemaRegistryClient client(String basicAuth) {
        VoxConfig config = VoxConfig.of(basicAuth == null ? Map.of("voxpipe.registry.url", registry.registryUrl())
                : Map.of("voxpipe.registry.url", registry.registryUrl(), "voxpipe.registry.basic-auth", basicAuth));
        return SchemaRegistryClient.http(SchemaRegistryConfig.from(config));
    }

    private static final Schema SCHEMA = SchemaBuilder.record("AuthProbe").namespace("dev.voxpipe.test")
            .fields().requiredString("id").endRecord();

    @Test
    void theRightCredentialsRegisterAndFetchSchemas() {
        SchemaRegistryClient client = client(USER + ":" + PASSWORD);
        int id = client.register("auth-probe-value", SCHEMA);
        assertEquals(id, client.lookup("auth-probe-value", SCHEMA));
        // a second client (no cache) reads it back by id
        assertEquals(SCHEMA, client(USER + ":" + PASSWORD).schemaById(id));
    }

    @Test
    void noOrWrongCredentialsAreRefusedWith401AndSaySo() {
        for (String credentials : new String[] {null, USER + ":wrong", "intruder:" + PASSWORD}) {
            SchemaRegistryException.Rejected refused = assertThrows(SchemaRegistryException.Rejected.class,
                    () -> client(credentials).register("auth-probe-value", SCHEMA), String.valueOf(credentials));
            assertEquals(401, refused.status(), refused.getMessage());
            assertTrue(refused.getMessage().contains("refused the credentials"), refused.getMessage());
            assertTrue(!refused.getMessage().contains(PASSWORD), "no password in the message: " + refused.getMessage());
        }
    }
}
