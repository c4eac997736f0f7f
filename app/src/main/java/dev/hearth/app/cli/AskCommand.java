package dev.hearth.app.cli;

import dev.hearth.app.api.ModelHost;
import dev.hearth.app.api.ModelRefusedException;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.KnownModel;
import dev.hearth.app.store.Message;
import dev.hearth.app.store.MessageStatus;
import dev.hearth.app.store.NewConversation;
import dev.hearth.app.store.ReplyStats;
import dev.hearth.app.store.ReplyWriter;
import dev.hearth.app.store.StoreException;
import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * {@code ask}: one turn of a conversation from the command line. The user's message is committed before
 * the model is loaded (so it is never lost to a model that fails), the answer streams to stdout and into
 * the store, and the reply's stats are stored when it ends. A conversation longer than the context keeps
 * its newest turns and says so on stderr.
 */
final class AskCommand {
    private AskCommand() {}

    static final int DEFAULT_MAX_TOKENS = 1024;

    static int run(Invocation call) throws Exception {
        String text = call.args().positionals().getFirst();
        if (text.isBlank()) throw new UsageException("the message is empty.");
        Path modelFile = Path.of(call.args().required("--model")).toAbsolutePath();
        int context = call.args().intOption("--context", 0, 64, 1 << 20);
        int threads = call.args().intOption("--threads", WorkerPool.physicalCores(), 1, 1024);
        int maxTokens = call.args().intOption("--max-tokens", DEFAULT_MAX_TOKENS, 1, 1 << 20);
        SamplerSettings sampler = sampler(call.args());
        try (ConversationStore store = call.openStore()) {
            Conversation conversation = conversation(store, call.args().option("--conversation"), text, modelFile);
            List<Message> branch = store.currentBranch(conversation.id());
            Message user = store.addUserMessage(conversation.id(), branch.isEmpty() ? null : branch.getLast().id(), text);
            call.err().println("hearth: conversation " + conversation.uuid().substring(0, 8) + " (continue it with --conversation "
                    + conversation.uuid().substring(0, 8) + ")");
            try (ModelHost host = ModelHost.open(modelFile, context, threads, 1)) {
                store.rememberModel(new KnownModel(modelFile.toString(), host.modelId(), Files.size(modelFile), host.quant(), Instant.now()));
                List<ChatMessage> turns = turns(conversation, branch, text);
                Prompt prompt = fit(host.chatFormat(), turns, host.contextLength(), maxTokens);
                if (prompt.dropped() > 0) {
                    call.err().println("hearth: the conversation is longer than the model's context of " + host.contextLength()
                            + " tokens; the oldest " + prompt.dropped() + " message" + (prompt.dropped() == 1 ? " was" : "s were")
                            + " left out of the prompt for this answer.");
                }
                answer(call, store, host, conversation, user, prompt.tokens(), sampler, maxTokens);
            } catch (ModelRefusedException e) {
                throw new CommandFailure(e.getMessage(), e);
            }
        }
        return 0;
    }

    private static SamplerSettings sampler(Arguments args) {
        SamplerSettings d = SamplerSettings.DEFAULTS;
        String temperature = args.option("--temperature");
        float t = d.temperature();
        if (temperature != null) {
            try {
                t = Float.parseFloat(temperature);
            } catch (NumberFormatException e) {
                t = -1;
            }
            if (!(t >= 0 && t <= 2)) throw new UsageException("--temperature must be a number from 0 to 2, got \"" + temperature + "\".");
        }
        long seed = args.option("--seed") == null ? System.nanoTime() : args.intOption("--seed", 0, 0, Integer.MAX_VALUE);
        return d.withTemperature(t).withSeed(seed);
    }

    private static Conversation conversation(ConversationStore store, String id, String text, Path modelFile) {
        if (id != null) {
            return store.findConversation(id).orElseThrow(() -> new StoreException("There is no conversation with id " + id + "."));
        }
        String line = text.strip().lines().findFirst().orElse("").strip();
        String title = line.length() > 60 ? line.substring(0, 59) + "…" : line;
        return store.createConversation(new NewConversation(title, modelFile.getFileName().toString(), null, null));
    }

    /** The conversation's system prompt, the branch so far (user turns and answers with text) and the new message. */
    private static List<ChatMessage> turns(Conversation conversation, List<Message> branch, String text) {
        List<ChatMessage> turns = new ArrayList<>();
        if (conversation.systemPrompt() != null && !conversation.systemPrompt().isBlank()) {
            turns.add(new ChatMessage(Role.SYSTEM, conversation.systemPrompt()));
        }
        for (Message m : branch) {
            switch (m.role()) {
                case USER -> turns.add(new ChatMessage(Role.USER, m.content()));
                case ASSISTANT -> {
                    if (!m.content().isEmpty() && m.status() != MessageStatus.STREAMING) turns.add(new ChatMessage(Role.ASSISTANT, m.content()));
                }
                case SYSTEM -> turns.add(new ChatMessage(Role.SYSTEM, m.content()));
                case TOOL -> { }
            }
        }
        turns.add(new ChatMessage(Role.USER, text));
        return turns;
    }

    /** The prompt's tokens and how many of the oldest messages were left out to make it fit. */
    record Prompt(int[] tokens, int dropped) {}

    /**
     * Encodes the turns, dropping the oldest (after a system prompt) until the prompt leaves room for an
     * answer of {@code min(maxTokens, context / 4)} tokens. The new message itself is never dropped.
     */
    static Prompt fit(ChatFormat format, List<ChatMessage> turns, int context, int maxTokens) {
        List<ChatMessage> kept = new ArrayList<>(turns);
        int first = kept.getFirst().role() == Role.SYSTEM ? 1 : 0;
        int reserve = Math.max(1, Math.min(maxTokens, context / 4));
        String date = ChatFormat.formatDate(LocalDate.now());
        int[] tokens = format.encode(kept, date, true);
        int dropped = 0;
        while (tokens.length + reserve > context && kept.size() - first > 1) {
            kept.remove(first);
            dropped++;
            // A reply without the question it answers reads as nonsense to the model.
            if (kept.size() - first > 1 && kept.get(first).role() == Role.ASSISTANT) {
                kept.remove(first);
                dropped++;
            }
            tokens = format.encode(kept, date, true);
        }
        if (tokens.length >= context) {
            throw new CommandFailure("The message takes " + tokens.length + " tokens with the chat format, more than the model's context of "
                    + context + " tokens; shorten it or give a larger --context.", null);
        }
        return new Prompt(tokens, dropped);
    }

    private static void answer(Invocation call, ConversationStore store, ModelHost host, Conversation conversation, Message user,
                               int[] prompt, SamplerSettings sampler, int maxTokens) throws InterruptedException {
        Cancellation cancellation = new Cancellation();
        StoreException[] storeFailure = {null};
        GenerationResult result;
        try (ReplyWriter reply = store.beginReply(conversation.id(), user.id(), host.modelId())) {
            int limit = Math.min(maxTokens, host.contextLength() - prompt.length);
            try {
                result = host.submit(session -> session.generate(new GenerationRequest(prompt, sampler, limit, cancellation), event -> {
                    if (event instanceof GenerationEvent.Token token && !token.text().isEmpty()) {
                        call.out().print(token.text());
                        call.out().flush();
                        try {
                            reply.append(token.text());
                        } catch (StoreException e) {
                            storeFailure[0] = e;
                            cancellation.cancel();
                        }
                    }
                })).get();
            } catch (ExecutionException e) {
                String reason = e.getCause().getMessage() == null ? e.getCause().getClass().getSimpleName() : e.getCause().getMessage();
                reply.fail(reason);
                call.out().println();
                throw new CommandFailure("The answer failed: " + reason + "; the text so far is kept in the conversation.", e.getCause());
            } catch (ModelHost.QueueFullException e) {
                throw new IllegalStateException("the model's queue is empty at this point", e);
            }
            call.out().println();
            if (storeFailure[0] != null) throw storeFailure[0];
            reply.finish(new ReplyStats(result.replyTokens(), result.stats().decodeTokensPerSecond(), stopReason(result)));
        }
    }

    /** The stop reason as the store records it. */
    static String stopReason(GenerationResult result) {
        return switch (result.stopReason()) {
            case END_OF_TURN -> "eos";
            case MAX_TOKENS -> "length";
            case CONTEXT_FULL -> "context_full";
            case CANCELLED -> "cancelled";
        };
    }
}
