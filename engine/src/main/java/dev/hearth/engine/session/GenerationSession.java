package dev.hearth.engine.session;

import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.Forward;
import dev.hearth.engine.model.KvCache;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.tokenizer.StreamingDecoder;
import dev.hearth.engine.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One model with one KV cache, serving generation requests one at a time. The tokens whose keys and
 * values are in the cache are remembered, so a follow-up request that starts with the same tokens
 * (the conversation so far) only evaluates what is new. Requests run on the calling thread; the
 * session is not thread-safe except {@link Cancellation}, which may be set from anywhere.
 */
public final class GenerationSession implements AutoCloseable {

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatFormat chatFormat;
    private final Set<Integer> stopTokens;
    private final WorkerPool pool;
    private final Forward forward;
    private final int[] cached;
    private int cachedCount;

    public GenerationSession(LlamaModel model, int contextLength, int threads) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("the context must hold at least 2 tokens, got " + contextLength);
        }
        this.model = model;
        this.tokenizer = model.tokenizer();
        this.chatFormat = new ChatFormat(tokenizer);
        this.stopTokens = chatFormat.stopTokens();
        this.pool = new WorkerPool(threads);
        this.forward = new Forward(model, new KvCache(model.config(), contextLength), pool, Forward.BATCH);
        this.cached = new int[contextLength];
    }

    public LlamaModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatFormat chatFormat() {
        return chatFormat;
    }

    public int contextLength() {
        return cached.length;
    }

    /** Tokens whose keys and values are in the cache (a prefix of the last request and its answer). */
    public int cachedTokens() {
        return cachedCount;
    }

    /**
     * The logits after {@code prompt}, reusing the cached prefix. The array is a copy.
     *
     * @throws IllegalArgumentException when the prompt does not fit the context
     */
    public float[] evaluate(int[] prompt) {
        checkFits(prompt.length);
        return prefill(prompt, new Cancellation(), done -> {}).clone();
    }

    /**
     * Runs one request to the end, a stop token, the limit or cancellation, reporting the prompt's progress and every
     * token to {@code listener}.
     */
    public GenerationResult generate(GenerationRequest request, Consumer<GenerationEvent> listener) {
        try {
            GenerationResult result = run(request, listener);
            listener.accept(new GenerationEvent.Done(result));
            return result;
        } catch (RuntimeException | OutOfMemoryError e) {
            cachedCount = 0;
            String message = e instanceof IllegalArgumentException ? e.getMessage()
                    : "generation failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            listener.accept(new GenerationEvent.Failed(message, e));
            throw e;
        }
    }

    private GenerationResult run(GenerationRequest request, Consumer<GenerationEvent> listener) {
        int[] prompt = request.prompt();
        checkFits(prompt.length);
        long start = System.nanoTime();
        int reused = Math.min(commonPrefix(prompt), prompt.length - 1);
        float[] logits = prefill(prompt, request.cancellation(), done -> listener.accept(new GenerationEvent.Prefill(done, prompt.length)));
        long prefillEnd = System.nanoTime();

        Sampler sampler = new Sampler(request.sampler(), model.config().vocabSize());
        StreamingDecoder decoder = tokenizer.streamingDecoder(false);
        // Room for every token that can be sampled: one per position left in the context, and the one sampled at the last.
        int[] history = Arrays.copyOf(prompt, Math.min(cached.length + 1, prompt.length + request.maxTokens()));
        int historyLength = prompt.length;
        StringBuilder text = new StringBuilder();
        int generated = 0;
        long firstToken = 0;
        StopReason reason;
        while (true) {
            if (request.cancellation().isCancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            int token = sampler.sample(logits, history, historyLength);
            if (generated++ == 0) {
                firstToken = System.nanoTime();
            }
            if (historyLength < history.length) {
                history[historyLength++] = token;
            }
            if (stopTokens.contains(token)) {
                reason = StopReason.END_OF_TURN;
                break;
            }
            String piece = decoder.accept(token);
            text.append(piece);
            listener.accept(new GenerationEvent.Token(token, piece));
            if (generated >= request.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            if (cachedCount >= cached.length) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            if (request.cancellation().isCancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            cached[cachedCount] = token;
            float[] next = forward.evaluate(cached, cachedCount, 1, cachedCount, request.cancellation()::isCancelled);
            if (next == null) {
                reason = StopReason.CANCELLED;
                break;
            }
            logits = next;
            cachedCount++;
        }
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            text.append(rest);
            listener.accept(new GenerationEvent.Token(-1, rest));
        }
        long end = System.nanoTime();
        int[] tokens = Arrays.copyOfRange(history, prompt.length, historyLength);
        GenerationStats stats = new GenerationStats(prompt.length, reused, generated,
                (prefillEnd - start) / 1e9, firstToken == 0 ? 0 : (end - firstToken) / 1e9,
                firstToken == 0 ? 0 : (firstToken - start) / 1e9);
        return new GenerationResult(text.toString(), tokens, reason, stats, cachedCount);
    }

    /**
     * Evaluates what of {@code prompt} is not cached yet, in batches of {@link Forward#BATCH} tokens; tells
     * {@code progress} the tokens cached before the first batch and after each one. Returns the logits after the last
     * token evaluated, or null if {@code cancellation} stopped it (it is checked before every layer of every batch).
     */
    private float[] prefill(int[] prompt, Cancellation cancellation, IntConsumer progress) {
        int from = Math.min(commonPrefix(prompt), prompt.length - 1);
        cachedCount = from;
        float[] logits = null;
        progress.accept(from);
        while (from < prompt.length) {
            int n = Math.min(Forward.BATCH, prompt.length - from);
            System.arraycopy(prompt, from, cached, from, n);
            logits = forward.evaluate(prompt, from, n, from, cancellation::isCancelled);
            if (logits == null) {
                break;
            }
            from += n;
            cachedCount = from;
            progress.accept(from);
        }
        return logits;
    }

    private int commonPrefix(int[] prompt) {
        int n = Math.min(cachedCount, prompt.length);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) {
            i++;
        }
        return i;
    }

    private void checkFits(int promptLength) {
        if (promptLength >= cached.length) {
            throw new IllegalArgumentException("the prompt has " + promptLength + " tokens, more than the context of "
                    + cached.length + " tokens can hold with room for an answer");
        }
    }

    /**
     * Prompt tokens of a warm-up round: more than one, so the batched prefill runs too, and not a multiple of the 4-token
     * register tile, so its remainder path runs as well (code the JIT never saw run is compiled without it, and the first
     * prompt that needs it would make the JIT start over).
     */
    static final int WARM_UP_PROMPT = 9;
    /** Tokens decoded in a warm-up round. */
    static final int WARM_UP_TOKENS = 64;
    /**
     * Most warm-up rounds. A large model's code is compiled within one round: each call walks long rows. A tiny model's
     * rows are short, so its code needs about a thousand tokens to be called often enough; they take it a second.
     */
    public static final int WARM_UP_ROUNDS = 16;

    /**
     * Runs this session's generation code on a short made-up chat, so that the JIT compiles the forward pass, the kernels
     * of this model's formats, the sampler and the tokenizer now instead of during the first real request: on a 2-core
     * machine that compilation keeps both cores busy for a few hundred milliseconds, which a window streaming its first
     * reply shows as stalled frames. Rounds of a short prompt (one batched prefill) and up to {@value #WARM_UP_TOKENS}
     * decoded tokens run until {@code budgetNanos} have passed, {@value #WARM_UP_ROUNDS} rounds are done or
     * {@code cancellation} is set (a request that cancels it waits for one layer of the forward pass at most; the time
     * budget is checked after every prefill batch and token). Leaves nothing behind: the cache is forgotten afterwards, so the next request runs as on a fresh
     * session.
     *
     * @return the rounds that ran
     */
    public int warmUp(Cancellation cancellation, long budgetNanos) {
        long deadline = System.nanoTime() + budgetNanos;
        if (cancellation.isCancelled() || budgetNanos <= 0) {
            return 0;
        }
        int[] chat = chatFormat.encode(List.of(new ChatMessage(Role.USER, "Say hello to the llamas, in a few words.")),
                ChatFormat.DEFAULT_DATE, true);
        int[] prompt = Arrays.copyOf(chat, Math.min(chat.length, Math.min(WARM_UP_PROMPT, cached.length - 1)));
        int rounds = 0;
        try {
            while (rounds < WARM_UP_ROUNDS && !cancellation.isCancelled() && System.nanoTime() < deadline) {
                Cancellation round = cancellation.child();
                cachedCount = 0;
                generate(new GenerationRequest(prompt, SamplerSettings.DEFAULTS.withSeed(rounds + 1), WARM_UP_TOKENS, round), event -> {
                    if (System.nanoTime() >= deadline) {
                        round.cancel();
                    }
                });
                rounds++;
            }
        } finally {
            cachedCount = 0;
        }
        return rounds;
    }

    /** Forgets the cached tokens; the next request evaluates its whole prompt. */
    public void reset() {
        cachedCount = 0;
    }

    @Override
    public void close() {
        pool.close();
    }
}
