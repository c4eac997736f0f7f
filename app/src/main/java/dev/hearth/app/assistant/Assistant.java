package dev.hearth.app.assistant;

import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.MemoryPlan;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationSession;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The model and its one generation thread. Loading, prompt encoding and generation all run on that thread,
 * which alone touches the {@link GenerationSession}; callers get futures and event callbacks (on the
 * generation thread: the window hands them to its own thread). One request at a time; a reply may be
 * stopped from any thread through its {@link Cancellation}. After a load the thread warms the engine's code up
 * ({@link GenerationSession#warmUp}) until the first request, which stops that.
 */
public final class Assistant implements AutoCloseable {

    /** Tokens kept free after the prompt so a reply has room even in a long conversation. */
    static final int REPLY_RESERVE = 512;

    /** The loaded model as the window describes it. */
    public record Loaded(ModelFacts facts, int context, int threads) {}

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("hearth-generation").daemon().unstarted(() -> {
                BackgroundPriority.lowerCurrentThread();
                r.run();
            }));
    /**
     * How long the generation thread may warm the engine's code up after a load ({@link GenerationSession#warmUp}). A tiny
     * model is done in about a second on an idle machine, several on a busy one; an 8B model spends it on one short prefill
     * (several seconds while the code is still cold) and a few decoded tokens.
     */
    static final long WARM_UP_NANOS = 10_000_000_000L;

    private LlamaModel model;
    private GenerationSession session;
    private volatile Loaded loaded;
    /** The warm-up after the last load; every request cancels it, and waits for one layer of its forward pass at most. */
    private volatile Cancellation warming = new Cancellation();
    private volatile CompletableFuture<Integer> warmedUp = CompletableFuture.completedFuture(0);

    /**
     * Maps and checks the file, then makes a session at {@code context} tokens (0: the largest default that fits
     * in free memory); replaces any model loaded before. Fails with {@link ModelLoadException} naming the memory
     * needed and free when weights, cache and scratch at that context do not fit in the memory free now.
     */
    public CompletableFuture<Loaded> load(Path file, int context, int threads) {
        return load(file, context, threads, MemoryPlan::availableMemory);
    }

    /** {@link #load} against the free memory {@code available} reports (0 = unknown, which counts as enough). */
    CompletableFuture<Loaded> load(Path file, int context, int threads, LongSupplier available) {
        warming.cancel();
        return CompletableFuture.supplyAsync(() -> {
            unload();
            try {
                LlamaModel next = LlamaModel.load(file, LlamaModel.Regrouping.IN_BACKGROUND);
                try {
                    int ctx = context > 0 ? Math.max(64, Math.min(context, next.config().trainedContext()))
                            : MemoryPlan.defaultContext(next.config(), next.weightBytes(), threads);
                    MemoryPlan estimate = MemoryPlan.of(next, ctx, threads);
                    MemoryPlan plan = new MemoryPlan(estimate.weightBytes(), estimate.kvCacheBytes(), estimate.scratchBytes(),
                            available.getAsLong());
                    if (!plan.fits()) {
                        throw new ModelLoadException("At a context of " + ctx + " tokens, " + plan.refusal() + ".", null);
                    }
                    session = new GenerationSession(next, ctx, threads);
                    model = next;
                    loaded = new Loaded(ModelFacts.describe(file, next, ctx, threads), ctx, threads);
                    warmUpNext();
                    return loaded;
                } catch (RuntimeException | IOException e) {
                    next.close();
                    throw e;
                }
            } catch (IOException e) {
                throw new ModelLoadException(e.getMessage(), e);
            } catch (RuntimeException | OutOfMemoryError e) {
                throw new ModelLoadException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
            }
        }, thread);
    }

    /**
     * Queues the warm-up of the session just made, to run on the generation thread right after the load: the JIT compiles
     * the engine's code while the user reads and types, not while the window lays out the first reply.
     */
    private void warmUpNext() {
        Cancellation stop = new Cancellation();
        warming = stop;
        GenerationSession warm = session;
        warmedUp = CompletableFuture.supplyAsync(() -> stop.isCancelled() || warm != session ? 0 : warm.warmUp(stop, WARM_UP_NANOS), thread);
    }

    /** The warm-up after the last load: completes with the rounds it ran (0 if a request came first). */
    public CompletableFuture<Integer> warmedUp() {
        return warmedUp;
    }

    /** The loaded model, or null while none is. */
    public Loaded loaded() {
        return loaded;
    }

    /**
     * Encodes the conversation (dropping its oldest turns when it does not fit the context) and streams a reply.
     * {@code events} sees every event on the generation thread; the future completes after {@code Done} or {@code Failed}.
     *
     * @param conversation system prompt (optional) then alternating user and assistant turns, ending with the user's
     */
    public CompletableFuture<PromptSize> reply(List<ChatMessage> conversation, SamplerSettings sampler, int maxTokens,
                                               Cancellation cancellation, Consumer<GenerationEvent> events) {
        return reply(conversation, sampler, maxTokens, cancellation, events, CompletableFuture.completedFuture(null));
    }

    /**
     * {@link #reply(List, SamplerSettings, int, Cancellation, Consumer)}, starting only when {@code startAfter} completes
     * (or {@value #START_WAIT_MILLIS} ms have passed): the window lets the model start once it has laid out the reply's
     * views, so that on a 2-core machine the engine's threads do not take a core from the window for those frames.
     */
    public CompletableFuture<PromptSize> reply(List<ChatMessage> conversation, SamplerSettings sampler, int maxTokens,
                                               Cancellation cancellation, Consumer<GenerationEvent> events, CompletionStage<?> startAfter) {
        warming.cancel();
        return CompletableFuture.supplyAsync(() -> {
            awaitStart(startAfter);
            if (session == null) {
                throw new ModelLoadException("no model is loaded", null);
            }
            int[] prompt = fit(session.chatFormat(), conversation, session.contextLength());
            int room = session.contextLength() - prompt.length;
            try {
                session.generate(new GenerationRequest(prompt, sampler, Math.max(1, Math.min(maxTokens, room)), cancellation), events);
            } catch (RuntimeException e) {
                // Already reported to events as Failed; the future completes normally so callers handle it once.
            }
            return new PromptSize(prompt.length, session.contextLength());
        }, thread);
    }

    /**
     * Runs {@code work} with the loaded model's session on the generation thread, in turn with replies (document
     * answers use this to build their own prompt). Fails with {@link ModelLoadException} while no model is loaded.
     */
    public <T> CompletableFuture<T> withSession(Function<GenerationSession, T> work) {
        return withSession(CompletableFuture.completedFuture(null), work);
    }

    /** {@link #withSession(Function)}, starting only when {@code startAfter} completes or {@value #START_WAIT_MILLIS} ms have passed. */
    public <T> CompletableFuture<T> withSession(CompletionStage<?> startAfter, Function<GenerationSession, T> work) {
        warming.cancel();
        return CompletableFuture.supplyAsync(() -> {
            awaitStart(startAfter);
            if (session == null) throw new ModelLoadException("no model is loaded", null);
            return work.apply(session);
        }, thread);
    }

    /** The longest a request waits for its caller's go-ahead. */
    static final long START_WAIT_MILLIS = 250;

    private static void awaitStart(CompletionStage<?> startAfter) {
        try {
            startAfter.toCompletableFuture().get(START_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Go ahead anyway: the caller only asked for a head start.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How much of the context a prompt took. */
    public record PromptSize(int promptTokens, int contextTokens) {}

    /**
     * Counts the tokens a conversation takes, for the composer's "used of context" line, on the model's thread after
     * whatever it is doing (a warm-up is not stopped for it).
     */
    public CompletableFuture<Integer> countTokens(List<ChatMessage> conversation) {
        return CompletableFuture.supplyAsync(() -> session == null ? 0
                : session.chatFormat().encode(conversation, today(), true).length, thread);
    }

    static int[] fit(ChatFormat format, List<ChatMessage> conversation, int context) {
        List<ChatMessage> turns = new ArrayList<>(conversation);
        int[] prompt = format.encode(turns, today(), true);
        while (prompt.length + Math.min(REPLY_RESERVE, context / 4) > context && dropOldestTurn(turns)) {
            prompt = format.encode(turns, today(), true);
        }
        if (prompt.length >= context) {
            throw new IllegalArgumentException("the message is longer than the context (" + prompt.length + " of "
                    + context + " tokens); shorten it or choose a larger context in Settings");
        }
        return prompt;
    }

    private static boolean dropOldestTurn(List<ChatMessage> turns) {
        int first = !turns.isEmpty() && turns.getFirst().role() == Role.SYSTEM ? 1 : 0;
        if (turns.size() - first <= 1) return false;
        turns.remove(first);
        return true;
    }

    private static String today() {
        return ChatFormat.formatDate(LocalDate.now());
    }

    private void unload() {
        warming.cancel();
        loaded = null;
        if (session != null) session.close();
        if (model != null) model.close();
        session = null;
        model = null;
    }

    @Override
    public void close() {
        warming.cancel();
        thread.submit(this::unload);
        thread.shutdown();
    }
}
