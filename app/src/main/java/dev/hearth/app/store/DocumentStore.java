package dev.hearth.app.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Document libraries in the same SQLite file as the conversations: the files and folders a library was
 * given, one row per indexed (or failed) file with its size, time and SHA-256, and the file's chunks with
 * their page, heading path, text and embedding. A file's chunks are replaced in the same transaction that
 * records the file, so an index interrupted at any moment holds each file either completely or not at all.
 * Obtained from {@link ConversationStore#documents()}.
 */
public final class DocumentStore {
    private final Database db;

    DocumentStore(Database db) {
        this.db = db;
    }

    public record Library(long id, String name, long revision) {}

    /** A file as the index last saw it; {@code error} is set when it could not be read. */
    public record StoredDocument(long id, Path path, long sizeBytes, long modifiedAt, String sha256, Integer pages, String error,
                                 int chunks) {}

    /**
     * One chunk to store: {@code page} is 1-based or null, {@code heading} the heading path ("A › B") or null,
     * {@code bigrams} its Japanese/Chinese text as space-separated two-character terms (empty when it has none).
     */
    public record NewChunk(Integer page, String heading, String content, String bigrams, float[] embedding) {}

    public record StoredChunk(long id, Path file, Integer page, String heading, String content) {}

    /** A chunk id with its bm25 value (lower is better, as SQLite ranks). */
    public record RankedChunk(long chunkId, double bm25) {}

    /** Every embedding of some libraries, row {@code i} belonging to chunk {@code ids[i]}. */
    public record ChunkVectors(long[] ids, float[][] vectors) {}

    public record LibraryCounts(int files, int failed, int chunks) {}

    // ---- libraries -------------------------------------------------------------------------------------

    /** The library called {@code name}, created when it does not exist yet. */
    public Library library(String name) {
        if (name == null || name.isBlank()) throw new StoreException("A library needs a name.");
        String trimmed = name.strip();
        db.write("create library " + trimmed, c -> Database.update(c,
                "INSERT INTO libraries(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", trimmed, System.currentTimeMillis()));
        return findLibrary(trimmed).orElseThrow();
    }

    public Optional<Library> findLibrary(String name) {
        return db.read("find library " + name, c -> libraries(c, "WHERE name = ?", name.strip()).stream().findFirst());
    }

    public List<Library> libraries() {
        return db.read("list libraries", c -> libraries(c, "ORDER BY name"));
    }

    private static List<Library> libraries(Connection c, String where, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT id, name, revision FROM libraries " + where)) {
            Database.bind(statement, parameters);
            List<Library> found = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) found.add(new Library(rows.getLong(1), rows.getString(2), rows.getLong(3)));
            }
            return found;
        }
    }

    /** Remembers a file or folder as part of a library (a folder is watched and rescanned). */
    public void addSource(long libraryId, Path path) {
        db.write("add " + path + " to the library", c -> Database.update(c,
                "INSERT INTO library_sources(library_id, path, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                libraryId, path.toAbsolutePath().normalize().toString(), System.currentTimeMillis()));
    }

    public List<Path> sources(long libraryId) {
        return db.read("list the library's sources", c -> {
            List<Path> paths = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement("SELECT path FROM library_sources WHERE library_id = ? ORDER BY path")) {
                statement.setLong(1, libraryId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) paths.add(Path.of(rows.getString(1)));
                }
            }
            return paths;
        });
    }

    // ---- documents -------------------------------------------------------------------------------------

    /** The library's files as last indexed, by path. */
    public Map<Path, StoredDocument> documents(long libraryId) {
        return db.read("list the library's files", c -> {
            Map<Path, StoredDocument> documents = new LinkedHashMap<>();
            try (PreparedStatement statement = c.prepareStatement("""
                    SELECT d.id, d.path, d.size_bytes, d.modified_at, d.sha256, d.pages, d.error,
                      (SELECT count(*) FROM chunks WHERE document_id = d.id)
                    FROM documents d WHERE d.library_id = ? ORDER BY d.path""")) {
                statement.setLong(1, libraryId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Path path = Path.of(rows.getString(2));
                        documents.put(path, new StoredDocument(rows.getLong(1), path, rows.getLong(3), rows.getLong(4), rows.getString(5),
                                (Integer) rows.getObject(6), rows.getString(7), rows.getInt(8)));
                    }
                }
            }
            return documents;
        });
    }

    /** Records {@code path} as indexed with exactly {@code chunks}, replacing whatever the index held for it, in one transaction. */
    public void saveDocument(long libraryId, Path path, long sizeBytes, long modifiedAt, String sha256, Integer pages, List<NewChunk> chunks) {
        db.write("save the index of " + path, c -> {
            long documentId = upsert(c, libraryId, path, sizeBytes, modifiedAt, sha256, pages, null);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO chunks(document_id, ordinal, page, heading, content, embedding) VALUES (?, ?, ?, ?, ?, ?)")) {
                int ordinal = 0;
                for (NewChunk chunk : chunks) {
                    Database.bind(insert, documentId, ordinal++, chunk.page(), chunk.heading(), chunk.content(),
                            chunk.embedding() == null ? null : toBytes(chunk.embedding()));
                    insert.executeUpdate();
                    if (!chunk.bigrams().isEmpty()) {
                        Database.update(c, "INSERT INTO chunk_bigrams(rowid, terms) VALUES (last_insert_rowid(), ?)", chunk.bigrams());
                    }
                }
            }
            return null;
        });
    }

    /** Records that {@code path} could not be indexed, and why; its earlier chunks are dropped. */
    public void saveFailure(long libraryId, Path path, long sizeBytes, long modifiedAt, String error) {
        db.write("record the error for " + path, c -> upsert(c, libraryId, path, sizeBytes, modifiedAt, null, null, error));
    }

    /** The file was touched but its content is unchanged: only its size and time are updated. */
    public void touchDocument(long documentId, long sizeBytes, long modifiedAt) {
        db.write("update the file time", c -> Database.update(c,
                "UPDATE documents SET size_bytes = ?, modified_at = ? WHERE id = ?", sizeBytes, modifiedAt, documentId));
    }

    /** Forgets {@code path} and its chunks; returns whether it was indexed. */
    public boolean removeDocument(long libraryId, Path path) {
        return db.write("remove " + path + " from the index", c -> {
            int removed = Database.update(c, "DELETE FROM documents WHERE library_id = ? AND path = ?", libraryId, path.toString());
            if (removed > 0) bumpRevision(c, libraryId);
            return removed > 0;
        });
    }

    private static long upsert(Connection c, long libraryId, Path path, long sizeBytes, long modifiedAt, String sha256, Integer pages,
                               String error) throws SQLException {
        Database.update(c, "DELETE FROM documents WHERE library_id = ? AND path = ?", libraryId, path.toString());
        Database.update(c, """
                INSERT INTO documents(library_id, path, size_bytes, modified_at, sha256, pages, error, indexed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", libraryId, path.toString(), sizeBytes, modifiedAt, sha256, pages, error,
                System.currentTimeMillis());
        long id = Database.queryLong(c, "SELECT last_insert_rowid()");
        bumpRevision(c, libraryId);
        return id;
    }

    private static void bumpRevision(Connection c, long libraryId) throws SQLException {
        Database.update(c, "UPDATE libraries SET revision = revision + 1 WHERE id = ?", libraryId);
    }

    public LibraryCounts counts(long libraryId) {
        return db.read("count the library's files", c -> {
            try (PreparedStatement statement = c.prepareStatement("""
                    SELECT count(*), count(error), (SELECT count(*) FROM chunks k JOIN documents e ON e.id = k.document_id WHERE e.library_id = ?)
                    FROM documents WHERE library_id = ?""")) {
                Database.bind(statement, libraryId, libraryId);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return new LibraryCounts(rows.getInt(1) - rows.getInt(2), rows.getInt(2), rows.getInt(3));
                }
            }
        });
    }

    // ---- retrieval -------------------------------------------------------------------------------------

    /** Best chunks of the libraries for an FTS5 query on the word index, best first. */
    public List<RankedChunk> rankWords(String match, Collection<Long> libraryIds, int limit) {
        return rank("chunk_words", match, libraryIds, limit);
    }

    /** Best chunks of the libraries for an FTS5 query on the two-character index of Japanese/Chinese text, best first. */
    public List<RankedChunk> rankBigrams(String match, Collection<Long> libraryIds, int limit) {
        return rank("chunk_bigrams", match, libraryIds, limit);
    }

    /** Best chunks of the libraries for an FTS5 query on the trigram index (Japanese, Chinese, parts of words), best first. */
    public List<RankedChunk> rankTrigrams(String match, Collection<Long> libraryIds, int limit) {
        return rank("chunk_trigrams", match, libraryIds, limit);
    }

    private List<RankedChunk> rank(String index, String match, Collection<Long> libraryIds, int limit) {
        if (libraryIds.isEmpty() || match.isBlank()) return List.of();
        // The heading weighs twice the text: a question often names the section it is about.
        String weights = index.equals("chunk_bigrams") ? "" : ", 2.0, 1.0";
        String sql = "SELECT f.rowid, bm25(" + index + weights + ") AS score FROM " + index + " f JOIN chunks k ON k.id = f.rowid"
                + " JOIN documents d ON d.id = k.document_id WHERE " + index + " MATCH ? AND d.library_id IN (" + idList(libraryIds)
                + ") ORDER BY score LIMIT ?";
        return db.read("search the documents", c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setString(1, match);
                statement.setInt(2, limit);
                List<RankedChunk> ranked = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) ranked.add(new RankedChunk(rows.getLong(1), rows.getDouble(2)));
                }
                return ranked;
            }
        });
    }

    /** The chunks with these ids (with their file), in the order of {@code ids}; ids no longer present are skipped. */
    public List<StoredChunk> chunks(List<Long> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read("read chunks", c -> {
            Map<Long, StoredChunk> byId = new LinkedHashMap<>();
            try (PreparedStatement statement = c.prepareStatement("SELECT k.id, d.path, k.page, k.heading, k.content FROM chunks k"
                    + " JOIN documents d ON d.id = k.document_id WHERE k.id IN (" + idList(ids) + ")")) {
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        byId.put(rows.getLong(1), new StoredChunk(rows.getLong(1), Path.of(rows.getString(2)), (Integer) rows.getObject(3),
                                rows.getString(4), rows.getString(5)));
                    }
                }
            }
            List<StoredChunk> ordered = new ArrayList<>();
            for (long id : ids) if (byId.containsKey(id)) ordered.add(byId.get(id));
            return ordered;
        });
    }

    public ChunkVectors vectors(Collection<Long> libraryIds) {
        if (libraryIds.isEmpty()) return new ChunkVectors(new long[0], new float[0][]);
        return db.read("read the embeddings", c -> {
            List<Long> ids = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement("SELECT k.id, k.embedding FROM chunks k JOIN documents d ON d.id = k.document_id"
                    + " WHERE k.embedding IS NOT NULL AND d.library_id IN (" + idList(libraryIds) + ")")) {
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        vectors.add(fromBytes(rows.getBytes(2)));
                    }
                }
            }
            return new ChunkVectors(ids.stream().mapToLong(Long::longValue).toArray(), vectors.toArray(float[][]::new));
        });
    }

    private static String idList(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static byte[] toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] fromBytes(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    // ---- chats -----------------------------------------------------------------------------------------

    /** The libraries a conversation answers from (replacing its earlier choice). */
    public void useLibraries(long conversationId, Collection<Long> libraryIds) {
        db.write("choose the chat's libraries", c -> {
            Database.update(c, "DELETE FROM conversation_libraries WHERE conversation_id = ?", conversationId);
            for (long libraryId : libraryIds) {
                Database.update(c, "INSERT INTO conversation_libraries(conversation_id, library_id) VALUES (?, ?)", conversationId, libraryId);
            }
            return null;
        });
    }

    /** Source {@code number} (1-based, as the answer's {@code [n]} markers count) of a message: file, page or null, heading or null, passage. */
    public record MessageSource(int number, Path file, Integer page, String heading, String snippet) {}

    /** Keeps the sources an answer cited with it (replacing any saved before for that message). */
    public void saveSources(long messageId, List<MessageSource> sources) {
        db.write("save the answer's sources", c -> {
            Database.update(c, "DELETE FROM message_sources WHERE message_id = ?", messageId);
            for (MessageSource s : sources) {
                Database.update(c, "INSERT INTO message_sources(message_id, number, path, page, heading, snippet) VALUES (?, ?, ?, ?, ?, ?)",
                        messageId, s.number(), s.file().toString(), s.page(), s.heading(), s.snippet());
            }
            return null;
        });
    }

    /** The sources of every message of a conversation that has some, by message id, each list in number order. */
    public Map<Long, List<MessageSource>> sourcesOf(long conversationId) {
        return db.read("read the answers' sources", c -> {
            Map<Long, List<MessageSource>> byMessage = new LinkedHashMap<>();
            try (PreparedStatement statement = c.prepareStatement("""
                    SELECT s.message_id, s.number, s.path, s.page, s.heading, s.snippet FROM message_sources s
                    JOIN messages m ON m.id = s.message_id WHERE m.conversation_id = ? ORDER BY s.message_id, s.number""")) {
                statement.setLong(1, conversationId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        byMessage.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(new MessageSource(rows.getInt(2),
                                Path.of(rows.getString(3)), (Integer) rows.getObject(4), rows.getString(5), rows.getString(6)));
                    }
                }
            }
            return byMessage;
        });
    }

    public List<Library> librariesOf(long conversationId) {
        return db.read("read the chat's libraries", c -> libraries(c,
                "WHERE id IN (SELECT library_id FROM conversation_libraries WHERE conversation_id = ?) ORDER BY name", conversationId));
    }
}
