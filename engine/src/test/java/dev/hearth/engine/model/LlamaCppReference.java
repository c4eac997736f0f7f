package dev.hearth.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A reference fixture written by the llama.cpp kit's reference.mjs for one of our tiny models, and
 * the rule our engine's logits are held to against it.
 */
final class LlamaCppReference {

    final JsonNode root;

    private LlamaCppReference(JsonNode root) {
        this.root = root;
    }

    static LlamaCppReference load(String name) {
        try (InputStream in = LlamaCppReference.class.getResourceAsStream("/dev/hearth/engine/llamacpp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " is missing");
            }
            return new LlamaCppReference(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String modelSha256() {
        return root.path("model").path("sha256").asText();
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sha256 of a token list written as JSON without spaces ("[128000,128006,...]"), as long fixtures record it. */
    static String sha256(int[] tokens) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < tokens.length; i++) {
            json.append(i == 0 ? "" : ",").append(tokens[i]);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.append(']').toString().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** What one chat's comparison found: the failures (empty = it agrees) and the largest logit difference. */
    record ChatComparison(String id, List<String> failures, double maxDiff, int logitsCompared, int nearTies) {}

    /**
     * Runs a chat case's tokens through {@code forward} and compares with llama.cpp, step by step,
     * feeding llama.cpp's greedy tokens so every step stays comparable:
     * every reference top-K logit within {@code tol}; our argmax equal to llama.cpp's wherever its
     * top-1/top-2 gap exceeds {@code tol}, and otherwise a token llama.cpp scored within {@code tol} of its best.
     */
    static ChatComparison compare(JsonNode chat, LlamaModel model, Forward.Rope rope, WorkerPool pool, double tol) {
        int[] tokens = ints(chat.get("tokens"));
        KvCache cache = new KvCache(model.config(), tokens.length + chat.get("greedy").size() + 1);
        Forward forward = new Forward(model, cache, pool, Forward.BATCH, rope);
        float[] logits = forward.evaluate(tokens, 0, tokens.length, 0);
        return compareFrom(chat, forward, logits, tokens.length, tol);
    }

    /**
     * The same comparison for a chat whose prompt of {@code promptLength} tokens is already in {@code forward}'s
     * cache, {@code logits} being the logits after it: feeds llama.cpp's greedy tokens at positions
     * {@code promptLength...} (overwriting whatever the cache held there) and compares every step.
     */
    static ChatComparison compareFrom(JsonNode chat, Forward forward, float[] logits, int promptLength, double tol) {
        int[] greedy = ints(chat.get("greedy"));
        JsonNode top = chat.get("top");
        List<String> failures = new ArrayList<>();
        double maxDiff = 0;
        int compared = 0;
        int nearTies = 0;
        String id = chat.get("id").asText();
        for (int step = 0; step < top.size(); step++) {
            JsonNode ref = top.get(step);
            for (JsonNode pair : ref) {
                int token = pair.get(0).asInt();
                double diff = Math.abs(logits[token] - pair.get(1).asDouble());
                maxDiff = Math.max(maxDiff, diff);
                compared++;
                if (diff > tol) {
                    failures.add(id + " step " + step + ": token " + token + " logit " + logits[token]
                            + " vs llama.cpp " + pair.get(1).asDouble());
                }
            }
            int best = dev.hearth.engine.sampling.Sampler.argmax(logits);
            double refBest = ref.get(0).get(1).asDouble();
            double gap = refBest - ref.get(1).get(1).asDouble();
            if (gap > tol) {
                if (best != ref.get(0).get(0).asInt()) {
                    failures.add(id + " step " + step + ": argmax " + best + " but llama.cpp's clear winner is "
                            + ref.get(0).get(0).asInt() + " (gap " + gap + ")");
                }
            } else {
                nearTies++;
                boolean acceptable = false;
                for (JsonNode pair : ref) {
                    acceptable |= pair.get(0).asInt() == best && refBest - pair.get(1).asDouble() <= tol;
                }
                if (!acceptable) {
                    failures.add(id + " step " + step + ": argmax " + best + " is not among llama.cpp's near-tied best tokens");
                }
            }
            if (step + 1 < top.size()) {
                logits = forward.evaluate(greedy, step, 1, promptLength + step);
            }
        }
        return new ChatComparison(id, failures, maxDiff, compared, nearTies);
    }
}
