package dev.voxpipe.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks on 127.0.0.1, so the stack refuses to start with a clear message instead of failing later. */
public final class Ports {

    private Ports() {}

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as servers do: TIME_WAIT leftovers of a previous run are no conflict
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Connects rather than binds, so it never races the process that is about to listen. */
    public static boolean isListening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static void requireFree(int port, String purpose, String setting) {
        if (!isFree(port)) {
            throw new PortInUseException(port, purpose, setting);
        }
    }

    /** A port the OS says is free now; 0 in a config means "pick one". */
    public static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /**
     * A free port not in {@code taken}, which it joins. Picking several ports one after another needs this: each pick
     * closes its socket, and the OS may hand the same port out again, which once gave the broker's controller and
     * SASL_SSL listeners one port and the broker refused to start.
     */
    public static int pickFree(java.util.Set<Integer> taken) {
        return pickFree(taken, Ports::pickFree);
    }

    static int pickFree(java.util.Set<Integer> taken, java.util.function.IntSupplier source) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = source.getAsInt();
            if (taken.add(port)) return port;
        }
        throw new IllegalStateException("the OS kept handing out ports already chosen: " + taken);
    }

    public static final class PortInUseException extends IllegalStateException {
        private final int port;

        PortInUseException(int port, String purpose, String setting) {
            super("port " + port + " on 127.0.0.1 is already in use, and the local stack needs it for " + purpose
                    + ". Stop whatever listens there (e.g. an earlier local stack: `ss -ltnp | grep :" + port + "`),"
                    + " or choose another port with " + setting + " (0 picks a free one).");
            this.port = port;
        }

        public int port() {
            return port;
        }
    }
}
