package dev.hearth.app.models;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a download stands.
 *
 * @param phase          downloading, or checking the finished file's hash
 * @param receivedBytes  bytes on disk so far (including those from an earlier, resumed attempt)
 * @param totalBytes     the file's size, or -1 when the server does not say
 * @param bytesPerSecond recent speed, averaged over the last few seconds
 */
public record DownloadProgress(Phase phase, long receivedBytes, long totalBytes, double bytesPerSecond) {

    public enum Phase { DOWNLOADING, VERIFYING }

    /** Fraction done in [0, 1], or -1 when the total is unknown. */
    public double fraction() {
        return totalBytes > 0 ? Math.min(1.0, receivedBytes / (double) totalBytes) : -1;
    }

    /** Time left at the current speed, when both the total and a speed are known. */
    public Optional<Duration> remaining() {
        if (totalBytes <= 0 || bytesPerSecond <= 0) return Optional.empty();
        return Optional.of(Duration.ofSeconds((long) Math.ceil((totalBytes - receivedBytes) / bytesPerSecond)));
    }
}
