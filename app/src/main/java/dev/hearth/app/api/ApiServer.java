package dev.hearth.app.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.GenerationStats;
import dev.hearth.engine.session.StopReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hearth's local API: the OpenAI chat completions protocol on the loopback interface only, for the one
 * loaded model. Off unless the user starts it ({@code hearth serve}). Every request must carry the
 * {@link ApiToken}; each one is written to the {@link ConnectionLog}. Requests queue behind the model
 * ({@link ModelHost}); when the queue is full the answer is 503 at once. A streaming client that goes away
 * cancels its generation, so the next request does not wait for an answer nobody reads.
 */
public final class ApiServer implements AutoCloseable {
    public static final int DEFAULT_PORT = 8765;
    /** The largest request body read; a prompt that fits any context is far smaller. */
    static final int MAX_BODY_BYTES = 4 << 20;
    private static final String PURPOSE = "local API";
    /** How long a stream may stay silent before a comment line checks that the client is still there. */
    static final long HEARTBEAT_MILLIS = 250;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ModelHost host;
    private final String token;
    private final ConnectionLog log;
    private final long created = Instant.now().getEpochSecond();

    private ApiServer(HttpServer server, ExecutorService handlers, ModelHost host, String token, ConnectionLog log) {
        this.server = server;
        this.handlers = handlers;
        this.host = host;
        this.token = token;
        this.log = log;
    }

    /**
     * Starts listening on {@code 127.0.0.1:port} (0 = any free port).
     *
     * @throws IOException when the port is taken, with a sentence naming it
     */
    public static ApiServer start(ModelHost host, int port, String token, ConnectionLog log) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (java.net.BindException e) {
            throw new IOException("Cannot start the local API on " + address.getHostString() + ":" + port
                    + ": the port is in use; choose another with --port.", e);
        }
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hearth-api-", 0).factory());
        server.setExecutor(handlers);
        ApiServer api = new ApiServer(server, handlers, host, token, log);
        server.createContext("/", api::handle);
        server.start();
        log.record(ConnectionLog.Direction.LISTENING, PURPOSE, api.address(), "started, loopback only");
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8765/v1}. */
    public URI baseUrl() {
        return URI.create("http://" + address() + "/v1");
    }

    private String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        log.record(ConnectionLog.Direction.LISTENING, PURPOSE, address(), "stopped");
    }

    // ---- dispatch --------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String outcome;
        try {
            if (!ApiToken.matches(exchange.getRequestHeaders().getFirst("Authorization"), token)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                throw new ApiError(401, "invalid_request_error", "invalid_api_key",
                        "Missing or wrong API key: send the token printed by 'hearth api-token' as 'Authorization: Bearer <token>'.");
            }
            outcome = switch (path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path) {
                case "/v1/chat/completions" -> {
                    allow(exchange, "POST");
                    yield chatCompletion(exchange);
                }
                case "/v1/models" -> {
                    allow(exchange, "GET");
                    ObjectNode list = JSON.createObjectNode().put("object", "list");
                    list.putArray("data").add(modelJson());
                    sendJson(exchange, 200, list);
                    yield "200";
                }
                case String p when p.startsWith("/v1/models/") -> {
                    allow(exchange, "GET");
                    String id = p.substring("/v1/models/".length());
                    if (!id.equals(host.modelId())) throw unknownModel(id);
                    sendJson(exchange, 200, modelJson());
                    yield "200";
                }
                default -> throw new ApiError(404, "invalid_request_error", "unknown_url",
                        "Unknown request URL: " + method + " " + path + ". Hearth serves /v1/chat/completions and /v1/models.");
            };
        } catch (ApiError e) {
            outcome = e.status + " " + e.code;
            try {
                sendError(exchange, e);
            } catch (IOException gone) {
                outcome += ", client gone";
            }
        } catch (IOException e) {
            outcome = "client gone (" + e.getMessage() + ")";
        } catch (RuntimeException e) {
            outcome = "500 " + e;
            try {
                sendError(exchange, new ApiError(500, "server_error", "internal_error", "Hearth failed to answer: " + e.getMessage()));
            } catch (IOException gone) {
                outcome += ", client gone";
            }
        } finally {
            exchange.close();
        }
        log.record(ConnectionLog.Direction.INBOUND, PURPOSE, exchange.getRemoteAddress().getAddress().getHostAddress() + ":"
                + exchange.getRemoteAddress().getPort(), method + " " + path + " → " + outcome);
    }

    private static void allow(HttpExchange exchange, String method) throws ApiError {
        if (exchange.getRequestMethod().equals(method)) return;
        exchange.getResponseHeaders().set("Allow", method);
        throw new ApiError(405, "invalid_request_error", "method_not_allowed",
                exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestURI().getPath() + "; use " + method + ".");
    }

    private ObjectNode modelJson() {
        return JSON.createObjectNode().put("id", host.modelId()).put("object", "model").put("created", created).put("owned_by", "local");
    }

    private ApiError unknownModel(String id) {
        return new ApiError(404, "invalid_request_error", "model_not_found",
                "The model '" + id + "' does not exist here; this Hearth serves '" + host.modelId() + "'.");
    }

    // ---- chat completions --------------------------------------------------------------------------------

    /** Handles one completion; returns the outcome for the connection log. */
    private String chatCompletion(HttpExchange exchange) throws ApiError, IOException {
        ChatRequest request = ChatRequest.parse(readJson(exchange));
        if (request.model() != null && !request.model().equals(host.modelId())) throw unknownModel(request.model());
        int[] prompt = host.chatFormat().encode(request.messages(), ChatFormat.formatDate(LocalDate.now()), true);
        int context = host.contextLength();
        if (prompt.length >= context) {
            throw ApiError.invalid("context_length_exceeded", "This model's context holds " + context + " tokens, but the messages take "
                    + prompt.length + " tokens (with the chat format). Shorten the messages or drop the oldest ones.");
        }
        int room = context - prompt.length;
        int maxTokens = request.maxTokens() == null ? room : Math.min(request.maxTokens(), room);
        Cancellation cancellation = new Cancellation();
        BlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
        Future<Void> job;
        try {
            job = host.submit(session -> {
                if (cancellation.isCancelled()) {
                    // The client left while waiting in the queue: nothing to compute.
                    events.add(new GenerationEvent.Done(new GenerationResult("", new int[0], StopReason.CANCELLED,
                            new GenerationStats(prompt.length, 0, 0, 0, 0, 0), session.cachedTokens())));
                    return null;
                }
                try {
                    session.generate(new GenerationRequest(prompt, request.sampler(), maxTokens, cancellation), events::add);
                } catch (RuntimeException e) {
                    // Reported to the listener as Failed.
                }
                return null;
            });
        } catch (ModelHost.QueueFullException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new ApiError(503, "server_error", "queue_full", "The model is busy: " + e.getMessage() + ". Try again shortly.");
        }
        Completion completion = new Completion(exchange, request, prompt.length, cancellation, events, job);
        return request.stream() ? completion.stream() : completion.whole();
    }

    private static JsonNode readJson(HttpExchange exchange) throws ApiError, IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "invalid_request_error", "request_too_large",
                    "The request body is larger than " + (MAX_BODY_BYTES >> 20) + " MiB; no prompt that large fits the model's context.");
        }
        if (body.length == 0) throw ApiError.invalid("invalid_json", "The request body is empty; send a JSON object with model and messages.");
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("invalid_json", "The request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")") + ".");
        }
    }

    /** One request's generation as seen from its handler thread: the events the model thread produces, turned into HTTP. */
    private final class Completion {
        private final HttpExchange exchange;
        private final ChatRequest request;
        private final int promptTokens;
        private final Cancellation cancellation;
        private final BlockingQueue<GenerationEvent> events;
        private final Future<Void> job;
        private final StopMatcher stops;
        private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        private final long createdAt = Instant.now().getEpochSecond();
        private int completionTokens;

        Completion(HttpExchange exchange, ChatRequest request, int promptTokens, Cancellation cancellation,
                   BlockingQueue<GenerationEvent> events, Future<Void> job) {
            this.exchange = exchange;
            this.request = request;
            this.promptTokens = promptTokens;
            this.cancellation = cancellation;
            this.events = events;
            this.job = job;
            this.stops = new StopMatcher(request.stop());
        }

        /**
         * The next event, waiting at most {@code quietMillis} (0 = as long as it takes); null when that time
         * passed without one. A job dropped without running (the server closing) reads as a failure.
         */
        private GenerationEvent next(long quietMillis) {
            long deadline = System.nanoTime() + quietMillis * 1_000_000;
            try {
                while (true) {
                    GenerationEvent event = events.poll(50, TimeUnit.MILLISECONDS);
                    if (event != null) return event;
                    if (job.isDone() && events.isEmpty()) {
                        return new GenerationEvent.Failed("the model was closed before answering", null);
                    }
                    if (quietMillis > 0 && System.nanoTime() > deadline) return null;
                }
            } catch (InterruptedException e) {
                cancellation.cancel();
                Thread.currentThread().interrupt();
                return new GenerationEvent.Failed("the server is shutting down", e);
            }
        }

        /** Text a token releases after the stop strings had their say; stops generation at a stop string. */
        private String release(GenerationEvent.Token token) {
            if (stops.stopped()) return "";
            if (token.id() >= 0) completionTokens++;
            String text = stops.accept(token.text());
            if (stops.stopped()) cancellation.cancel();
            return text;
        }

        private String finishReason(GenerationResult result) {
            if (stops.stopped()) return "stop";
            return result.stopReason() == StopReason.MAX_TOKENS || result.stopReason() == StopReason.CONTEXT_FULL ? "length" : "stop";
        }

        private ObjectNode usage() {
            return JSON.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
        }

        String whole() throws IOException {
            StringBuilder text = new StringBuilder();
            while (true) {
                switch (next(0)) {
                    case GenerationEvent.Prefill reading -> {
                        // Nothing to send: the whole answer goes out at the end.
                    }
                    case GenerationEvent.Token token -> text.append(release(token));
                    case GenerationEvent.Done done -> {
                        if (!stops.stopped()) text.append(stops.flush());
                        String reason = finishReason(done.result());
                        ObjectNode body = JSON.createObjectNode().put("id", id).put("object", "chat.completion").put("created", createdAt)
                                .put("model", host.modelId());
                        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
                        choice.putObject("message").put("role", "assistant").put("content", text.toString());
                        choice.putNull("logprobs");
                        choice.put("finish_reason", reason);
                        body.set("usage", usage());
                        sendJson(exchange, 200, body);
                        return "200 (" + completionTokens + " tokens, " + reason + ")";
                    }
                    case GenerationEvent.Failed failed -> {
                        sendError(exchange, new ApiError(500, "server_error", "generation_failed", "Generation failed: " + failed.message() + "."));
                        return "500 generation failed: " + failed.message();
                    }
                }
            }
        }

        String stream() {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            OutputStream out = exchange.getResponseBody();
            boolean connected = true;
            try {
                exchange.sendResponseHeaders(200, 0);
                send(out, chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
            } catch (IOException e) {
                connected = disconnected();
            }
            while (true) {
                GenerationEvent event = next(connected ? HEARTBEAT_MILLIS : 0);
                try {
                    switch (event) {
                        // An SSE comment (clients skip it) while nothing else is written, in the queue or while a long
                        // prompt is read (each prompt batch, or a quiet time): the only way to notice a client that left.
                        case null -> keepAlive(out);
                        case GenerationEvent.Prefill reading -> {
                            if (connected) keepAlive(out);
                        }
                        case GenerationEvent.Token token -> {
                            String text = release(token);
                            if (connected && !text.isEmpty()) send(out, chunk(JSON.createObjectNode().put("content", text), null));
                        }
                        case GenerationEvent.Done done -> {
                            if (!connected) {
                                return "200 stream, client disconnected after " + completionTokens + " tokens; generation "
                                        + (done.result().stopReason() == StopReason.CANCELLED ? "cancelled" : "ended " + finishReason(done.result()));
                            }
                            String rest = stops.stopped() ? "" : stops.flush();
                            if (!rest.isEmpty()) send(out, chunk(JSON.createObjectNode().put("content", rest), null));
                            String reason = finishReason(done.result());
                            send(out, chunk(JSON.createObjectNode(), reason));
                            if (request.includeUsage()) {
                                ObjectNode usageChunk = header("chat.completion.chunk");
                                usageChunk.putArray("choices");
                                usageChunk.set("usage", usage());
                                send(out, usageChunk);
                            }
                            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            return "200 stream (" + completionTokens + " tokens, " + reason + ")";
                        }
                        case GenerationEvent.Failed failed -> {
                            if (connected) {
                                send(out, errorBody(new ApiError(500, "server_error", "generation_failed", "Generation failed: " + failed.message() + ".")));
                                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                                out.flush();
                            }
                            return "200 stream, generation failed: " + failed.message();
                        }
                    }
                } catch (IOException e) {
                    connected = disconnected();
                }
            }
        }

        private void keepAlive(OutputStream out) throws IOException {
            out.write(": waiting\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The client went away: stop generating for it (the model thread sees the flag within one layer of the forward pass). */
        private boolean disconnected() {
            cancellation.cancel();
            return false;
        }

        private ObjectNode header(String object) {
            return JSON.createObjectNode().put("id", id).put("object", object).put("created", createdAt).put("model", host.modelId());
        }

        private ObjectNode chunk(ObjectNode delta, String finishReason) {
            ObjectNode chunk = header("chat.completion.chunk");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) choice.putNull("finish_reason");
            else choice.put("finish_reason", finishReason);
            return chunk;
        }

        private static void send(OutputStream out, JsonNode data) throws IOException {
            out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    // ---- responses ----------------------------------------------------------------------------------------

    private static ObjectNode errorBody(ApiError e) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", e.getMessage()).put("type", e.type).putNull("param").put("code", e.code);
        return body;
    }

    private static void sendError(HttpExchange exchange, ApiError e) throws IOException {
        sendJson(exchange, e.status, errorBody(e));
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
