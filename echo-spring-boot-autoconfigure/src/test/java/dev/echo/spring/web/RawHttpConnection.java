package dev.echo.spring.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over one socket, request after request, for tests that must see exactly what the
 * server does with a kept-alive connection: no pool, no client-side buffering or retries. Reads
 * a response by its {@code Content-Length} or its chunked encoding; a server that stops
 * answering fails the read after the socket timeout.
 */
final class RawHttpConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpConnection(int port) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        this.socket.setSoTimeout(30_000);
        this.in = this.socket.getInputStream();
        this.out = this.socket.getOutputStream();
    }

    String get(String path, String accept) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n", "");
    }

    String post(String path, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n", body);
    }

    private String exchange(String head, String body) throws IOException {
        this.out.write((head + body).getBytes(StandardCharsets.UTF_8));
        this.out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status line: " + status);
        }
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                throw new IOException("the server closes a connection the client keeps alive: " + header);
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                content.write(this.in.readNBytes(size));
                line(); // the CRLF after the chunk
            }
            line(); // the empty line after the last chunk (no trailers)
        } else if (length >= 0) {
            content.write(this.in.readNBytes((int) length));
        } else {
            throw new IOException("a response without a length on a kept-alive connection");
        }
        return content.toString(StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}
