package dev.voxpipe.launcher.serve;

import dev.voxpipe.localstack.Ports;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./voxpipe serve [--data DIR] [--host H] [--port P] [--new-key] [--tenant T]}: the whole
 * platform on one machine, in the foreground until Ctrl-C. The data directory keeps voices,
 * models and books across restarts. On the first start it prints an API key (stored hashed);
 * {@code --new-key} prints another (while a server runs on the directory it only adds the key,
 * which the running server accepts within seconds, and exits).
 */
public final class ServeMain {

    private ServeMain() {}

    record Args(Path data, String host, int port, boolean newKey, String tenant) {
        static Args parse(String[] argv) {
            Path data = Path.of(env("VOXPIPE_SERVE_DIR", "data/serve"));
            String host = env("VOXPIPE_SERVE_HOST", "127.0.0.1");
            int port = Integer.parseInt(env("VOXPIPE_SERVE_PORT", "8080"));
            boolean newKey = false;
            String tenant = ServeHome.DEFAULT_TENANT;
            List<String> rest = new ArrayList<>(List.of(argv));
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                switch (a) {
                    case "--data" -> data = Path.of(value(a, rest));
                    case "--host" -> host = value(a, rest);
                    case "--port" -> port = Integer.parseInt(value(a, rest));
                    case "--new-key" -> newKey = true;
                    case "--tenant" -> tenant = value(a, rest);
                    case "-h", "--help" -> throw new Usage(null);
                    default -> throw new Usage("unknown argument '" + a + "'");
                }
            }
            return new Args(data, host, port, newKey, tenant);
        }
    }

    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            usage: ./voxpipe serve [--data DIR] [--host HOST] [--port PORT] [--new-key] [--tenant NAME]
              --data DIR    where voices, models, books, the broker's log and the hashed keys live (data/serve; VOXPIPE_SERVE_DIR)
              --host HOST   address to bind (127.0.0.1; 0.0.0.0 to serve the network; VOXPIPE_SERVE_HOST)
              --port PORT   HTTP port of the API and console (8080; 0 picks a free one; VOXPIPE_SERVE_PORT)
              --new-key     print a new API key (stored hashed); a running server accepts it within seconds
              --tenant NAME the tenant of a new key (local)""";

    public static void main(String[] argv) {
        int status;
        try {
            status = run(Args.parse(argv), System.out);
        } catch (Usage u) {
            if (u.getMessage() != null) System.err.println("voxpipe serve: " + u.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (Ports.PortInUseException e) {
            System.err.println("voxpipe serve: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("voxpipe serve failed: " + e.getMessage() + " (details in the log)");
            org.slf4j.LoggerFactory.getLogger(ServeMain.class).error("serve failed", e);
            status = 1;
        }
        if (status >= 0) System.exit(status); // DJL's native threads are not daemons
    }

    /** Serves until the JVM is told to stop; returns -1 then (the shutdown hook has closed everything). */
    static int run(Args args, PrintStream out) throws Exception {
        ServeHome home = new ServeHome(args.data());
        Optional<AutoCloseable> lock = home.tryLock();
        if (lock.isEmpty()) {
            if (args.newKey()) {
                printKey(out, home, home.newKey(args.tenant()), "a server runs on " + home.dir() + ": it accepts the key within seconds");
                return 0;
            }
            out.println("voxpipe serve: a server already runs on " + home.dir() + " (one server per data directory)");
            return 2;
        }
        String key = null;
        if (!home.hasKeys() || args.newKey()) key = home.newKey(args.tenant());
        out.println("voxpipe serve: starting the local stack, every worker and ingest on " + home.dir() + " ...");
        LocalServer server;
        try {
            server = LocalServer.start(home, new LocalServer.Options(args.host(), args.port(), Map.of()));
        } catch (Exception e) {
            lock.get().close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println();
            out.println("voxpipe serve: stopping (ingest, workers, broker, registry) ...");
            long t = System.nanoTime();
            server.close();
            try {
                lock.get().close();
            } catch (Exception ignored) {
                // the process ends anyway
            }
            out.printf(Locale.ROOT, "voxpipe serve: stopped in %.1f s; data kept in %s%n", (System.nanoTime() - t) / 1e9, home.dir());
            out.flush();
            stopped.countDown();
        }, "voxpipe-serve-stop"));
        out.printf(Locale.ROOT, "VoxPipe is up in %.1f s%n", server.startupTime().toMillis() / 1000.0);
        out.println("  console:  " + server.url() + "/");
        out.println("  API:      " + server.url() + "/v1   (OpenAPI: " + server.url() + "/openapi.json; GPT-SoVITS api_v2: " + server.url() + "/tts)");
        if (key != null) {
            printKey(out, home, key, null);
        } else {
            out.println("  API keys: stored hashed in " + home.keyFile() + "; ./voxpipe serve --new-key prints another");
        }
        out.println("  data:     " + home.dir() + " (kept across restarts)");
        out.println("Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return -1;
    }

    private static void printKey(PrintStream out, ServeHome home, String key, String note) {
        out.println("  API key:  " + key);
        out.println("            shown once; only its SHA-256 is kept, in " + home.keyFile()
                + (note == null ? "" : " (" + note + ")"));
        out.println("  for the CLI:  export VOXPIPE_API_KEY=" + key);
        out.flush();
    }

    private static String env(String name, String defaultValue) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty()) throw new Usage(flag + " needs a value");
        return rest.remove(0);
    }
}
