package dev.hearth.app.api;

import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.MemoryPlan;
import dev.hearth.engine.session.GenerationSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One loaded model and the one thread that generates with it. The {@link GenerationSession} is not
 * thread-safe, so every job runs on that thread, in arrival order; at most {@code queueCapacity} jobs wait
 * behind the running one and any more are refused at once ({@link QueueFullException}) rather than piling
 * up. The chat format (tokenizer) is immutable and may be used from any thread.
 */
public final class ModelHost implements AutoCloseable {
    public static final int DEFAULT_QUEUE_CAPACITY = 16;

    private final LlamaModel model;
    private final GenerationSession session;
    private final String modelId;
    private final ThreadPoolExecutor thread;

    private ModelHost(LlamaModel model, GenerationSession session, String modelId, int queueCapacity) {
        this.model = model;
        this.session = session;
        this.modelId = modelId;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                r -> Thread.ofPlatform().name("hearth-generation").daemon().unstarted(r), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Maps and checks the model file, then checks that weights, KV cache and scratch fit in the memory free
     * now before allocating anything.
     *
     * @param context tokens of context; 0 for the largest default (at most 8192) that fits in free memory
     * @throws ModelRefusedException with one sentence naming the file and the problem (for memory: the estimate)
     */
    public static ModelHost open(Path file, int context, int threads, int queueCapacity) throws ModelRefusedException {
        return open(file, context, threads, queueCapacity, MemoryPlan.availableMemory());
    }

    /** {@link #open} against a given amount of free memory (0 = unknown, which counts as enough). */
    static ModelHost open(Path file, int context, int threads, int queueCapacity, long availableBytes) throws ModelRefusedException {
        if (threads < 1 || queueCapacity < 1 || context < 0) {
            throw new IllegalArgumentException("threads and queue capacity must be at least 1 and the context 0 or more");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelRefusedException("There is no model file at " + file + ".", null);
        }
        LlamaModel model;
        try {
            model = LlamaModel.load(file, LlamaModel.Regrouping.IN_BACKGROUND);
        } catch (IOException | RuntimeException e) {
            String reason = sentenceBody(e);
            String named = file.getFileName() + ": ";
            throw new ModelRefusedException("Cannot use " + file + " as a model: " + (reason.startsWith(named) ? reason.substring(named.length()) : reason) + ".", e);
        }
        try {
            int trained = model.config().trainedContext();
            int chosen = context > 0 ? Math.min(context, trained) : MemoryPlan.defaultContext(model.config(), model.weightBytes(), threads);
            MemoryPlan estimate = MemoryPlan.of(model, chosen, threads);
            MemoryPlan plan = new MemoryPlan(estimate.weightBytes(), estimate.kvCacheBytes(), estimate.scratchBytes(), availableBytes);
            if (!plan.fits()) {
                throw new ModelRefusedException("Cannot load " + file.getFileName() + " at a context of " + chosen + " tokens: " + plan.refusal() + ".", null);
            }
            GenerationSession session = new GenerationSession(model, chosen, threads);
            return new ModelHost(model, session, modelId(file), queueCapacity);
        } catch (ModelRefusedException e) {
            model.close();
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            model.close();
            throw new ModelRefusedException("Cannot use " + file + " as a model: " + sentenceBody(e) + ".", e);
        }
    }

    private static String sentenceBody(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /** The name clients use for the model: its file name without {@code .gguf}. */
    static String modelId(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    public String modelId() {
        return modelId;
    }

    /** The dominant weight type, as users name a file's quantization (e.g. Q4_K). */
    public String quant() {
        return model.mainWeightType().name();
    }

    public int contextLength() {
        return session.contextLength();
    }

    /** The Llama 3.1 chat format with this model's tokenizer; immutable, usable from any thread. */
    public ChatFormat chatFormat() {
        return session.chatFormat();
    }

    /** Jobs waiting behind the running one. */
    public int waiting() {
        return thread.getQueue().size();
    }

    /**
     * Runs {@code job} on the generation thread after the jobs queued before it.
     *
     * @throws QueueFullException when {@code queueCapacity} jobs are already waiting
     */
    public <T> Future<T> submit(Function<GenerationSession, T> job) throws QueueFullException {
        try {
            return thread.submit(() -> job.apply(session));
        } catch (RejectedExecutionException e) {
            throw new QueueFullException(thread.isShutdown() ? "the model is being closed" : thread.getQueue().size() + " requests are already waiting for the model");
        }
    }

    /** The generation thread is busy and its queue is full (or the host is closing). */
    public static final class QueueFullException extends Exception {
        QueueFullException(String message) {
            super(message);
        }
    }

    /** Lets the running job finish (callers cancel it first), drops waiting ones, then frees the session and unmaps the model. */
    @Override
    public void close() {
        for (Runnable dropped : thread.shutdownNow()) {
            if (dropped instanceof Future<?> waitingJob) waitingJob.cancel(false);
        }
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        session.close();
        model.close();
    }
}
