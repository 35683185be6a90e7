package dev.echo.sample.batch;

import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates one line of the common log format, and names its endpoint: the method
 * and the path with the query dropped and id-like segments (numbers, long hex strings) replaced
 * by {@code {id}}, so that {@code GET /api/products/42} and {@code GET /api/products/7} count as
 * one endpoint, {@code GET /api/products/{id}}.
 */
final class CommonLogFormat {

    /** host ident authuser [timestamp] "method path protocol" status size */
    private static final Pattern LINE = Pattern.compile(
            "(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] \"([A-Z]+) (\\S+) (HTTP/\\d(?:\\.\\d)?)\" (\\d{3}) (\\d{1,10}|-)");
    private static final int EXCERPT = 80;

    private CommonLogFormat() {
    }

    /** The record on line {@code number}, or the reason it is malformed. */
    static ParsedLine parse(long number, String text) {
        if (text.isEmpty()) {
            return new Malformed(number, "empty line");
        }
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            return new Malformed(number, diagnose(text) + ": " + excerpt(text));
        }
        try {
            AccessLogGenerator.TIMESTAMP.parse(m.group(4));
        } catch (DateTimeParseException e) {
            return new Malformed(number, "bad timestamp [" + m.group(4) + "]");
        }
        int status = Integer.parseInt(m.group(8));
        if (status < 100 || status > 599) {
            return new Malformed(number, "status " + status + " is not an HTTP status");
        }
        long size = m.group(9).equals("-") ? 0 : Long.parseLong(m.group(9));
        if (size > Integer.MAX_VALUE) {
            return new Malformed(number, "size " + size + " is larger than 2 GiB");
        }
        return new AccessRecord(number, m.group(1), m.group(5) + " " + route(m.group(6)), status, (int) size, null);
    }

    /** The path without its query, id-like segments as {id}. */
    static String route(String path) {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        if (bare.length() <= 1) {
            return bare;
        }
        StringBuilder route = new StringBuilder(bare.length());
        int start = 0;
        while (start < bare.length()) {
            int slash = bare.indexOf('/', start + 1);
            int end = slash < 0 ? bare.length() : slash;
            String segment = bare.substring(start + 1, end);
            route.append('/').append(isId(segment) ? "{id}" : segment);
            start = end;
        }
        return route.toString();
    }

    private static boolean isId(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        boolean digits = true;
        boolean hex = segment.length() >= 16;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            digits &= c >= '0' && c <= '9';
            hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
        }
        return digits || hex;
    }

    /** Why a line that does not match is not in the common log format, as far as a look can tell. */
    private static String diagnose(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']');
        if (open < 0 || close < open) {
            return "no [timestamp] (cut short?)";
        }
        int requestStart = text.indexOf('"', close);
        int requestEnd = requestStart < 0 ? -1 : text.indexOf('"', requestStart + 1);
        if (requestEnd < 0) {
            return "no \"request\" (cut short?)";
        }
        String[] tail = text.substring(requestEnd + 1).strip().split(" ");
        if (tail.length < 2 || tail[0].isEmpty()) {
            return "no status and size after the request (cut short?)";
        }
        if (!tail[0].matches("\\d{3}")) {
            return "status \"" + tail[0] + "\" is not a number";
        }
        if (!tail[1].matches("\\d{1,10}|-")) {
            return "size \"" + tail[1] + "\" is not a number";
        }
        return "not in common log format";
    }

    private static String excerpt(String text) {
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "…";
    }
}
