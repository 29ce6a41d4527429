package dev.nightshift.slack.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A Slack on loopback for tests: a real HTTP server answering the Web API methods Nightshift calls
 * (under {@code /api/}, the address to give the SDK is {@link #methodsUrl()}), and a real WebSocket
 * server speaking Socket Mode, whose address {@code apps.connections.open} hands out.
 *
 * <p>Web API: form or JSON bodies, the token in {@code Authorization: Bearer} or a {@code token}
 * parameter; a missing token is {@code not_authed}, an unknown one {@code invalid_auth}, and the
 * wrong kind of token (the app token for a bot method or the other way round) {@code
 * not_allowed_token_type}, each as HTTP 200 with {@code "ok": false} like Slack. Served: {@code
 * auth.test}, {@code chat.postMessage}, {@code chat.update}, {@code reactions.add}, {@code
 * chat.postEphemeral} (to a user added with {@code add…User}), {@code users.info} and {@code
 * apps.connections.open}. {@link #rateLimitNext}
 * answers 429 {@code ratelimited} with {@code Retry-After}, {@link #failNext} and {@link #failAfter}
 * a server error. What
 * the code under test did is recorded: {@link #messages}, {@link #updates}, {@link #reactions},
 * {@link #ephemerals}, and every call in {@link #calls}.
 *
 * <p>Socket Mode: a connection must come with a ticket from {@code apps.connections.open} (each
 * works once) and gets a {@code hello}. {@link #pushEventsApi} and {@link #pushInteractive} send an
 * envelope on the newest connection and {@link #acks} records what came back; {@link
 * #requestReconnect} sends Slack's {@code disconnect}.
 *
 * <p>Thread-safe: the servers' threads record, the test reads.
 */
public final class SlackFake implements AutoCloseable {

    /** The workspace the fake is. */
    public static final String TEAM_ID = "T0FAKETEAM";
    /** The app's bot user, as {@code auth.test} reports it. */
    public static final String BOT_USER_ID = "U0FAKEBOT";
    /** The app's bot, as its messages carry it. */
    public static final String BOT_ID = "B0FAKEBOT";
    /** The app. */
    public static final String APP_ID = "A0FAKEAPP";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOOPBACK = "127.0.0.1";
    /** Methods that take the app-level token; every other one takes the bot token. */
    private static final Set<String> APP_TOKEN_METHODS = Set.of("apps.connections.open");

    static {
        // the JDK server leaves Nagle on; small responses would wait for delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** A message the app posted, as it is now (after any {@code chat.update}). */
    public record PostedMessage(String channel, String ts, String threadTs, String text, String blocks) {}

    /** One {@code chat.update}, as received. */
    public record Update(String channel, String ts, String text, String blocks) {}

    /** One {@code chat.postEphemeral}. */
    public record Ephemeral(String channel, String threadTs, String user, String text, String blocks) {
        public Ephemeral(String channel, String threadTs, String user, String text) {
            this(channel, threadTs, user, text, null);
        }
    }

    /** One Web API call as the fake saw it: the token it came with (null when none) and its parameters. */
    public record Call(String method, String token, Map<String, String> params) {}

    /** An acknowledgement from the Socket Mode client; {@code payload} is null when it carried none. */
    public record Ack(String envelopeId, String payload) {}

    private record User(String id, String email, boolean emailConfirmed, boolean bot, boolean deleted) {}

    private record Failure(int status, String retryAfter, String error) {}

    /** A place in a failure queue that lets the call through. */
    private static final Failure PASS = new Failure(0, null, null);

    private final String botToken = "xoxb-fake-" + UUID.randomUUID();
    private final String appToken = "xapp-fake-" + UUID.randomUUID();
    private final HttpServer http;
    private final ExecutorService httpThreads = Executors.newFixedThreadPool(4);
    private final SocketServer socket;

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, List<PostedMessage>> messages = new LinkedHashMap<>();
    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> reactions = new HashMap<>();
    private final List<Ephemeral> ephemerals = new CopyOnWriteArrayList<>();
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Set<String> tickets = ConcurrentHashMap.newKeySet();
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private long lastTs;
    private int connectionsOpened;

    private SlackFake() throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getByName(LOOPBACK);
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        http.createContext("/api/", this::handle);
        http.setExecutor(httpThreads);
        http.start();
        socket = new SocketServer(new InetSocketAddress(loopback, 0));
        socket.setReuseAddr(true);
        socket.setConnectionLostTimeout(0);
        socket.start();
        if (!socket.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fake's WebSocket server did not start");
        }
    }

    /** Starts both servers on free loopback ports. */
    public static SlackFake start() {
        try {
            return new SlackFake();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bot token ({@code xoxb-…}) the Web API accepts. */
    public String botToken() {
        return botToken;
    }

    /** The app-level token ({@code xapp-…}) {@code apps.connections.open} accepts. */
    public String appToken() {
        return appToken;
    }

    /** The Web API's address, ending in {@code /}: what the SDK's methods endpoint prefix is set to. */
    public String methodsUrl() {
        return "http://" + LOOPBACK + ":" + http.getAddress().getPort() + "/api/";
    }

    /** A person with a confirmed address. */
    public void addUser(String id, String email) {
        users.put(id, new User(id, email, true, false, false));
    }

    /** A person whose address Slack has not confirmed ({@code is_email_confirmed: false}). */
    public void addUnconfirmedUser(String id, String email) {
        users.put(id, new User(id, email, false, false, false));
    }

    /** A deactivated account ({@code deleted: true}); its profile still has the address. */
    public void addDeletedUser(String id, String email) {
        users.put(id, new User(id, email, true, false, true));
    }

    /** A bot user ({@code is_bot: true}), with an address in its profile to show it is not used. */
    public void addBotUser(String id, String email) {
        users.put(id, new User(id, email, true, true, false));
    }

    /** The next {@code times} calls of {@code method} get 429 {@code ratelimited} with this {@code Retry-After}. */
    public synchronized void rateLimitNext(String method, int times, int retryAfterSeconds) {
        for (int i = 0; i < times; i++) {
            failures.computeIfAbsent(method, m -> new ArrayDeque<>())
                    .add(new Failure(429, Integer.toString(retryAfterSeconds), "ratelimited"));
        }
    }

    /** The next {@code times} calls of {@code method} get HTTP {@code status} with an empty body. */
    public synchronized void failNext(String method, int times, int status) {
        for (int i = 0; i < times; i++) {
            failures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(new Failure(status, null, null));
        }
    }

    /** Lets {@code passing} calls of {@code method} through, then answers the next one with HTTP {@code status}. */
    public synchronized void failAfter(String method, int passing, int status) {
        Deque<Failure> queue = failures.computeIfAbsent(method, m -> new ArrayDeque<>());
        for (int i = 0; i < passing; i++) {
            queue.add(PASS);
        }
        queue.add(new Failure(status, null, null));
    }

    /** The app's messages in {@code channel}, oldest first, as they are now. */
    public synchronized List<PostedMessage> messages(String channel) {
        return List.copyOf(messages.getOrDefault(channel, List.of()));
    }

    /** The {@code chat.update}s of messages in {@code channel}, in order. */
    public List<Update> updates(String channel) {
        return updates.stream().filter(u -> u.channel().equals(channel)).toList();
    }

    /** The reactions the app added to a message, in order. */
    public synchronized List<String> reactions(String channel, String ts) {
        return List.copyOf(reactions.getOrDefault(channel + "/" + ts, List.of()));
    }

    /** Every ephemeral message, in order. */
    public List<Ephemeral> ephemerals() {
        return List.copyOf(ephemerals);
    }

    /** Every Web API call, in order, refused ones included. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one method. */
    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Socket Mode connections opened so far (with a valid ticket). */
    public synchronized int connectionsOpened() {
        return connectionsOpened;
    }

    /** Socket Mode connections open now. */
    public int openConnections() {
        return (int) socket.getConnections().stream().filter(WebSocket::isOpen).count();
    }

    /**
     * Sends an {@code events_api} envelope with {@code payloadJson} (an {@code event_callback}) on the
     * newest open connection; returns its {@code envelope_id}.
     */
    public String pushEventsApi(String payloadJson) {
        return push("events_api", payloadJson);
    }

    /** Sends an {@code interactive} envelope (a {@code block_actions} payload, say); returns its id. */
    public String pushInteractive(String payloadJson) {
        return push("interactive", payloadJson);
    }

    /**
     * Sends a {@code slash_commands} envelope (a command's fields as JSON, {@link SlackPayloads#slashCommand})
     * that accepts a response payload, as Slack does; the reply comes back in the acknowledgement.
     */
    public String pushSlashCommand(String payloadJson) {
        return push("slash_commands", payloadJson);
    }

    /** Sends Slack's {@code disconnect} message on every open connection, as Slack does before it closes one. */
    public void requestReconnect() {
        String message = "{\"type\":\"disconnect\",\"reason\":\"refresh_requested\","
                + "\"debug_info\":{\"host\":\"slack-fake\"}}";
        for (WebSocket connection : socket.getConnections()) {
            if (connection.isOpen()) {
                connection.send(message);
            }
        }
    }

    /** The acknowledgements received, in order. */
    public List<Ack> acks() {
        return List.copyOf(acks);
    }

    @Override
    public void close() {
        http.stop(0);
        httpThreads.shutdownNow();
        try {
            socket.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- Socket Mode

    private String push(String type, String payloadJson) {
        WebSocket newest = null;
        for (WebSocket connection : socket.getConnections()) {
            if (connection.isOpen() && (newest == null || socket.order(connection) > socket.order(newest))) {
                newest = connection;
            }
        }
        if (newest == null) {
            throw new IllegalStateException("no Socket Mode connection is open");
        }
        String envelopeId = UUID.randomUUID().toString();
        try {
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("envelope_id", envelopeId);
            envelope.set("payload", JSON.readTree(payloadJson));
            envelope.put("type", type);
            envelope.put("accepts_response_payload", type.equals("slash_commands"));
            newest.send(JSON.writeValueAsString(envelope));
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not JSON: " + payloadJson, e);
        }
        return envelopeId;
    }

    private final class SocketServer extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        private final Map<WebSocket, Integer> order = new ConcurrentHashMap<>();

        SocketServer(InetSocketAddress address) {
            super(address);
        }

        int order(WebSocket connection) {
            return order.getOrDefault(connection, -1);
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
            String ticket = query(URI.create(handshake.getResourceDescriptor()).getRawQuery())
                    .get("ticket");
            if (ticket == null || !tickets.remove(ticket)) {
                connection.close(CloseFrame.POLICY_VALIDATION, "invalid ticket");
                return;
            }
            synchronized (SlackFake.this) {
                order.put(connection, ++connectionsOpened);
            }
            connection.send("{\"type\":\"hello\",\"num_connections\":" + openConnections()
                    + ",\"debug_info\":{\"host\":\"slack-fake\",\"approximate_connection_time\":18060},"
                    + "\"connection_info\":{\"app_id\":\"" + APP_ID + "\"}}");
        }

        @Override
        public void onMessage(WebSocket connection, String message) {
            try {
                JsonNode ack = JSON.readTree(message);
                if (ack.path("envelope_id").isTextual()) {
                    JsonNode payload = ack.get("payload");
                    acks.add(new Ack(ack.get("envelope_id").textValue(), payload == null ? null : payload.toString()));
                }
            } catch (IOException notJson) {
                // Slack ignores what it cannot read; so does the fake
            }
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, boolean remote) {
            order.remove(connection);
        }

        @Override
        public void onError(WebSocket connection, Exception e) {
            // a connection's error closes it; the client's reconnection is what tests look at
        }
    }

    // ---- Web API

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestURI().getPath().substring("/api/".length());
            Map<String, String> params =
                    new LinkedHashMap<>(query(exchange.getRequestURI().getRawQuery()));
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && contentType.startsWith("application/json") && body.length > 0) {
                JsonNode json = JSON.readTree(body);
                json.properties()
                        .forEach(e -> params.put(
                                e.getKey(),
                                e.getValue().isTextual()
                                        ? e.getValue().textValue()
                                        : e.getValue().toString()));
            } else {
                params.putAll(query(new String(body, StandardCharsets.UTF_8)));
            }
            String token = token(exchange.getRequestHeaders().getFirst("Authorization"), params.get("token"));
            params.remove("token");
            calls.add(new Call(method, token, Map.copyOf(params)));

            Failure failure;
            synchronized (this) {
                Deque<Failure> queue = failures.get(method);
                failure = queue == null ? null : queue.poll();
            }
            if (failure != null && failure != PASS) {
                if (failure.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", failure.retryAfter());
                }
                byte[] answer = failure.error() == null
                        ? new byte[0]
                        : ("{\"ok\":false,\"error\":\"" + failure.error() + "\"}").getBytes(StandardCharsets.UTF_8);
                send(exchange, failure.status(), answer);
                return;
            }
            ObjectNode answer = answer(method, token, params);
            send(exchange, 200, JSON.writeValueAsBytes(answer));
        }
    }

    private ObjectNode answer(String method, String token, Map<String, String> params) {
        if (token == null) {
            return error("not_authed");
        }
        boolean appMethod = APP_TOKEN_METHODS.contains(method);
        if (!token.equals(botToken) && !token.equals(appToken)) {
            return error("invalid_auth");
        }
        if (appMethod != token.equals(appToken)) {
            return error("not_allowed_token_type");
        }
        return switch (method) {
            case "auth.test" -> authTest();
            case "chat.postMessage" -> postMessage(params);
            case "chat.update" -> update(params);
            case "reactions.add" -> react(params);
            case "chat.postEphemeral" -> postEphemeral(params);
            case "users.info" -> usersInfo(params);
            case "apps.connections.open" -> connectionsOpen();
            default -> error("unknown_method");
        };
    }

    private ObjectNode authTest() {
        ObjectNode ok = ok();
        ok.put("url", "https://slack-fake.slack.com/");
        ok.put("team", "Slack Fake");
        ok.put("user", "nightshift");
        ok.put("team_id", TEAM_ID);
        ok.put("user_id", BOT_USER_ID);
        ok.put("bot_id", BOT_ID);
        ok.put("is_enterprise_install", false);
        return ok;
    }

    private synchronized ObjectNode postMessage(Map<String, String> params) {
        String channel = params.get("channel");
        if (blank(channel)) {
            return error("channel_not_found");
        }
        String text = params.get("text");
        String blocks = params.get("blocks");
        if (blank(text) && blank(blocks)) {
            return error("no_text");
        }
        if (!blank(blocks) && !jsonArray(blocks)) {
            return error("invalid_blocks");
        }
        String ts = nextTs();
        String threadTs = blank(params.get("thread_ts")) ? null : params.get("thread_ts");
        messages.computeIfAbsent(channel, c -> new ArrayList<>())
                .add(new PostedMessage(channel, ts, threadTs, text, blocks));
        ObjectNode ok = ok();
        ok.put("channel", channel);
        ok.put("ts", ts);
        ObjectNode message = ok.putObject("message");
        message.put("type", "message");
        message.put("text", text);
        message.put("user", BOT_USER_ID);
        message.put("bot_id", BOT_ID);
        message.put("ts", ts);
        if (threadTs != null) {
            message.put("thread_ts", threadTs);
        }
        return ok;
    }

    private synchronized ObjectNode update(Map<String, String> params) {
        String channel = params.get("channel");
        String ts = params.get("ts");
        List<PostedMessage> inChannel = messages.getOrDefault(channel, List.of());
        int index = -1;
        for (int i = 0; i < inChannel.size(); i++) {
            if (inChannel.get(i).ts().equals(ts)) {
                index = i;
            }
        }
        if (index < 0) {
            return error(messages.containsKey(channel) ? "message_not_found" : "channel_not_found");
        }
        String text = params.get("text");
        String blocks = params.get("blocks");
        if (!blank(blocks) && !jsonArray(blocks)) {
            return error("invalid_blocks");
        }
        PostedMessage old = inChannel.get(index);
        inChannel.set(index, new PostedMessage(channel, ts, old.threadTs(), text, blocks));
        updates.add(new Update(channel, ts, text, blocks));
        ObjectNode ok = ok();
        ok.put("channel", channel);
        ok.put("ts", ts);
        ok.put("text", text);
        return ok;
    }

    private synchronized ObjectNode react(Map<String, String> params) {
        String channel = params.get("channel");
        String ts = params.get("timestamp");
        String name = params.get("name");
        if (blank(channel)) {
            return error("channel_not_found");
        }
        if (blank(ts)) {
            return error("no_item_specified");
        }
        if (blank(name) || name.contains(":")) {
            return error("invalid_name");
        }
        List<String> onMessage = reactions.computeIfAbsent(channel + "/" + ts, k -> new ArrayList<>());
        if (onMessage.contains(name)) {
            return error("already_reacted");
        }
        onMessage.add(name);
        return ok();
    }

    private synchronized ObjectNode postEphemeral(Map<String, String> params) {
        String channel = params.get("channel");
        String user = params.get("user");
        if (blank(channel)) {
            return error("channel_not_found");
        }
        if (blank(user) || !users.containsKey(user)) {
            return error("user_not_in_channel");
        }
        if (blank(params.get("text")) && blank(params.get("blocks"))) {
            return error("no_text");
        }
        String threadTs = blank(params.get("thread_ts")) ? null : params.get("thread_ts");
        ephemerals.add(new Ephemeral(channel, threadTs, user, params.get("text"), params.get("blocks")));
        ObjectNode ok = ok();
        ok.put("message_ts", nextTs());
        return ok;
    }

    private ObjectNode usersInfo(Map<String, String> params) {
        User user = users.get(String.valueOf(params.get("user")));
        if (user == null) {
            return error("user_not_found");
        }
        ObjectNode ok = ok();
        ObjectNode json = ok.putObject("user");
        json.put("id", user.id());
        json.put("team_id", TEAM_ID);
        json.put("name", user.id().toLowerCase(Locale.ROOT));
        json.put("deleted", user.deleted());
        json.put("real_name", user.id());
        json.put("tz", "Europe/Berlin");
        json.put("is_admin", false);
        json.put("is_owner", false);
        json.put("is_bot", user.bot());
        json.put("is_app_user", false);
        json.put("is_email_confirmed", user.emailConfirmed());
        json.put("updated", 1_700_000_000L);
        ObjectNode profile = json.putObject("profile");
        profile.put("real_name", user.id());
        profile.put("display_name", user.id());
        if (user.email() != null) {
            profile.put("email", user.email());
        }
        if (user.bot()) {
            profile.put("bot_id", "B" + user.id());
        }
        return ok;
    }

    private ObjectNode connectionsOpen() {
        String ticket = UUID.randomUUID().toString();
        tickets.add(ticket);
        ObjectNode ok = ok();
        ok.put("url", "ws://" + LOOPBACK + ":" + socket.getPort() + "/link/?ticket=" + ticket + "&app_id=" + APP_ID);
        return ok;
    }

    /** Message timestamps as Slack writes them, seconds and microseconds, unique and increasing. */
    private synchronized String nextTs() {
        lastTs++;
        return String.format(Locale.ROOT, "%d.%06d", 1_700_000_000L + lastTs / 1_000_000, lastTs % 1_000_000);
    }

    private static String token(String authorization, String param) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return blank(param) ? null : param;
    }

    private static boolean jsonArray(String json) {
        try {
            return JSON.readTree(json).isArray();
        } catch (IOException notJson) {
            return false;
        }
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    private static ObjectNode error(String error) {
        return JSON.createObjectNode().put("ok", false).put("error", error);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
