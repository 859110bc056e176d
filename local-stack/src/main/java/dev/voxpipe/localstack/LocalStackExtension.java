package dev.voxpipe.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the real local stack: {@code @ExtendWith(LocalStackExtension.class)},
 * then take a {@link LocalStack} parameter. The stack starts once per test JVM, on free ports in
 * a temporary directory, and stops when the run ends.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    public static LocalStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("stack", key -> new Running(), Running.class).stack;
    }

    /** Closed by JUnit when the root context ends, i.e. once per run. */
    private static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final LocalStack stack;

        Running() {
            try {
                Path dir = Files.createTempDirectory("voxpipe-test-stack");
                stack = LocalStack.start(LocalStackConfig.ephemeral(dir));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the local stack for tests: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
