package dev.hearth.app.docs;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a scan of a library stands: files done of those that need (re)indexing, pages and chunks made so
 * far, the file being read (null between files), and the estimated time left (null until a file is done).
 */
public record IndexProgress(String library, int filesDone, int filesTotal, int pagesDone, int chunksDone, Path currentFile,
                            Duration remaining, boolean paused) {}
