package dev.hearth.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.hearth.app.api.ApiServer;
import dev.hearth.app.api.ApiToken;
import dev.hearth.app.api.ModelHost;
import dev.hearth.app.api.ModelRefusedException;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.KnownModel;
import dev.hearth.engine.model.WorkerPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code serve}, {@code api-token} and {@code privacy log}: the opt-in local API and the record of every connection. */
final class ApiCommands {
    private ApiCommands() {}

    /**
     * Loads the model, starts the API on 127.0.0.1, prints its base URL on stdout and runs until the process
     * is stopped (Ctrl-C / SIGTERM) or, in-process, the thread is interrupted.
     */
    static int serve(Invocation call) throws Exception {
        int port = call.args().intOption("--port", ApiServer.DEFAULT_PORT, 0, 65535);
        int context = call.args().intOption("--context", 0, 64, 1 << 20);
        int threads = call.args().intOption("--threads", WorkerPool.physicalCores(), 1, 1024);
        int queue = call.args().intOption("--queue", ModelHost.DEFAULT_QUEUE_CAPACITY, 1, 10_000);
        try (ConversationStore store = call.openStore()) {
            Path modelFile = modelFile(call, store);
            String token = ApiToken.obtain(store);
            ConnectionLog log = ConnectionLog.open(store);
            try (ModelHost host = ModelHost.open(modelFile, context, threads, queue)) {
                store.rememberModel(new KnownModel(modelFile.toString(), host.modelId(), Files.size(modelFile), host.quant(), Instant.now()));
                ApiServer api;
                try {
                    api = ApiServer.start(host, port, token, log);
                } catch (IOException e) {
                    throw new CommandFailure(e.getMessage(), e);
                }
                CountDownLatch stopped = new CountDownLatch(1);
                Thread onSignal = new Thread(() -> {
                    api.close();
                    stopped.countDown();
                }, "hearth-api-shutdown");
                Runtime.getRuntime().addShutdownHook(onSignal);
                // The sentence first: whoever reads the URL from stdout may then rely on it having been said.
                call.err().println("hearth: serving " + host.modelId() + " (context " + host.contextLength() + " tokens) at " + api.baseUrl()
                        + ", reachable from this computer only. Clients need the token from 'hearth api-token'. Stop with Ctrl-C.");
                call.out().println(api.baseUrl());
                call.out().flush();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                    api.close();
                }
            } catch (ModelRefusedException e) {
                throw new CommandFailure(e.getMessage(), e);
            }
        }
        return 0;
    }

    /** {@code --model}, else the model used most recently. */
    private static Path modelFile(Invocation call, ConversationStore store) {
        String option = call.args().option("--model");
        if (option != null) return Path.of(option).toAbsolutePath();
        List<KnownModel> known = store.knownModels();
        if (known.isEmpty()) throw new UsageException("--model is required: no model has been used yet.");
        return Path.of(known.getFirst().path());
    }

    static int token(Invocation call) {
        try (ConversationStore store = call.openStore()) {
            call.out().println(call.args().has("--rotate") ? ApiToken.rotate(store) : ApiToken.obtain(store));
        }
        return 0;
    }

    static int connections(Invocation call) throws Exception {
        try (ConversationStore store = call.openStore()) {
            ConnectionLog log = ConnectionLog.open(store);
            if (call.args().has("--json")) {
                ArrayNode array = ChatsCommands.JSON.createArrayNode();
                for (ConnectionLog.Connection c : log.entries()) {
                    array.addObject().put("time", c.time().toString()).put("direction", c.direction().name().toLowerCase(java.util.Locale.ROOT))
                            .put("purpose", c.purpose()).put("address", c.address()).put("detail", c.detail());
                }
                call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else if (log.total() == 0) {
                call.out().println("No network connections: Hearth has not connected anywhere and has not accepted any connection.");
            } else {
                call.out().println(log.total() + " connection" + (log.total() == 1 ? "" : "s") + " recorded"
                        + (log.total() > log.entries().size() ? " (the newest " + log.entries().size() + " listed)" : "") + ":");
                for (ConnectionLog.Connection c : log.entries()) {
                    call.out().printf("%s  %-8s  %-14s  %-21s  %s%n", c.time(), c.direction().name().toLowerCase(java.util.Locale.ROOT),
                            c.purpose(), c.address(), c.detail());
                }
            }
        }
        return 0;
    }
}
