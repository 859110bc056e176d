package dev.voxpipe.ingest;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 on a plain socket, for what {@code java.net.http} refuses to send: invented methods,
 * over-long request lines and headers, undecodable paths, and bodies that stall half way.
 */
final class RawHttp implements AutoCloseable {

    /** A parsed answer: status, the raw head, and the body as far as it arrived. */
    record Answer(int status, String head, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        boolean isJson() {
            return head.toLowerCase(Locale.ROOT).contains("content-type: application/json");
        }
    }

    private final Socket socket;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Whether answer bytes are waiting to be read. */
    boolean available() throws IOException {
        return socket.getInputStream().available() > 0;
    }

    /** Reads one answer (head, then a Content-Length body, or up to the close). */
    Answer read(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (headText.isEmpty()) throw new IOException("the connection closed without an answer");
        int status = Integer.parseInt(headText.substring(9, 12));
        int length = -1;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
        }
        byte[] body;
        if (length >= 0) {
            body = in.readNBytes(length);
        } else {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            try {
                in.transferTo(rest);
            } catch (SocketTimeoutException e) {
                // the body so far
            }
            body = rest.toByteArray();
        }
        return new Answer(status, headText, new String(body, StandardCharsets.UTF_8));
    }

    /** One request on a fresh connection, and its answer. */
    static Answer exchange(int port, String request) throws IOException {
        try (RawHttp http = new RawHttp(port)) {
            return http.send(request).read(15_000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
