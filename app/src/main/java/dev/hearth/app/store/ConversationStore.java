package dev.hearth.app.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Hearth's conversations, settings and known models in one SQLite file that is never silently lost:
 * opening checks the file and refuses (leaving it byte-for-byte untouched) when it is damaged or foreign,
 * schema upgrades run one transaction per step after a backup copy, every write is one transaction, and a
 * streaming reply is committed at least every {@value ReplyWriter#COMMIT_INTERVAL_MS} ms.
 */
public final class ConversationStore implements AutoCloseable {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final DocumentStore documents;

    private ConversationStore(Database db) {
        this.db = db;
        this.documents = new DocumentStore(db);
    }

    /** The document libraries kept in the same database. */
    public DocumentStore documents() {
        return documents;
    }

    /**
     * Opens (creating it if absent) the database at {@code file}; its folder must exist. Replies left
     * {@code streaming} by a process that died are marked {@code interrupted}, their text kept.
     *
     * @throws StoreException with a sentence for the user when the file is damaged, not a Hearth database,
     *     from a newer Hearth, or cannot be written; the file is then left exactly as it was
     */
    public static ConversationStore open(Path file) {
        Path database = file.toAbsolutePath();
        createIfAbsent(database);
        FileState state = inspect(database);
        if (state.needsBackup()) state.backup(database);
        Database db = Database.open(database);
        try {
            restrictPermissions(database);
            ConversationStore store = new ConversationStore(db);
            store.migrate();
            store.recoverInterruptedReplies();
            return store;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Renames a database the user chose to give up on (with its {@code -wal} and {@code -shm} files) to
     * {@code <name>.corrupt-<UTC timestamp>}, so that the next open starts afresh; returns the new path.
     */
    public static Path moveAside(Path file) {
        Path database = file.toAbsolutePath();
        String suffix = ".corrupt-" + FILE_STAMP.format(Instant.now());
        Path target = database.resolveSibling(database.getFileName() + suffix);
        try {
            Files.move(database, target);
            for (String companion : List.of("-wal", "-shm")) {
                Path side = database.resolveSibling(database.getFileName() + companion);
                if (Files.exists(side)) Files.move(side, target.resolveSibling(target.getFileName() + companion));
            }
            return target;
        } catch (NoSuchFileException e) {
            throw new StoreException("Cannot move " + database + " aside: it does not exist.", e);
        } catch (IOException e) {
            throw new StoreException("Cannot move " + database + " aside: " + e.getMessage() + ".", e);
        }
    }

    public Path file() {
        return db.file();
    }

    // ---- opening -------------------------------------------------------------------------------------

    private static void createIfAbsent(Path database) {
        if (Files.exists(database)) return;
        Path folder = database.getParent();
        if (!Files.isDirectory(folder)) throw new StoreException("Cannot create the database " + database + ": the folder " + folder + " does not exist.");
        try {
            // An empty file is a valid empty database; creating it ourselves makes it owner-only from the first byte.
            Files.createFile(database, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (AccessDeniedException e) {
            throw new StoreException("Cannot create the database " + database + ": the folder " + folder + " is read-only.", e);
        } catch (FileSystemException e) {
            throw new StoreException("Cannot create the database " + database + ": " + DataDir.reason(e) + ".", e);
        } catch (IOException e) {
            throw new StoreException("Cannot create the database " + database + ": " + e.getMessage() + ".", e);
        }
    }

    private record FileState(int version, boolean empty) {
        boolean needsBackup() {
            return !empty && version < Migrations.latest();
        }

        /** A consistent copy taken before the first migration step touches an existing database. */
        void backup(Path database) {
            Path target = database.resolveSibling(database.getFileName() + ".before-v" + Migrations.latest() + "-" + FILE_STAMP.format(Instant.now()));
            vacuumInto(database, target, "back up " + database + " before upgrading it");
        }
    }

    /** Looks at the file through a read-only connection (or no SQLite at all), so a bad file stays untouched. */
    private static FileState inspect(Path database) {
        long size;
        try {
            size = Files.size(database);
            if (size == 0) return new FileState(0, true);
            byte[] header = new byte[SQLITE_HEADER.length];
            try (InputStream in = Files.newInputStream(database)) {
                if (in.readNBytes(header, 0, header.length) < header.length || !Arrays.equals(header, SQLITE_HEADER)) {
                    throw new StoreException("The file " + database + " is not a Hearth database (it is not an SQLite file); it was left untouched: move it aside or choose another data folder.");
                }
            }
        } catch (AccessDeniedException e) {
            throw new StoreException("Cannot read the database " + database + ": permission denied.", e);
        } catch (IOException e) {
            throw new StoreException("Cannot read the database " + database + ": " + e.getMessage() + ".", e);
        }
        Connection connection = Database.connect(database, true);
        try (Statement statement = connection.createStatement()) {
            List<String> problems = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
                while (rows.next()) problems.add(rows.getString(1));
            }
            if (!problems.equals(List.of("ok"))) {
                throw damaged(database, problems.isEmpty() ? "no result" : problems.getFirst(), null);
            }
            int version = Migrations.version(connection);
            long objects = Database.queryLong(connection, "SELECT count(*) FROM sqlite_master");
            if (version > Migrations.latest()) {
                throw new StoreException("The database " + database + " was written by a newer Hearth (schema version " + version
                        + ", this Hearth knows up to " + Migrations.latest() + "); it was left untouched: update Hearth to open it.");
            }
            if (version == 0 && objects > 0) {
                throw new StoreException("The file " + database + " is an SQLite database but not a Hearth one (it has " + objects
                        + " tables or indexes and no Hearth schema version); it was left untouched.");
            }
            return new FileState(version, objects == 0);
        } catch (SQLException e) {
            int code = Database.primaryCode(e);
            if (code == 26 || code == 11) throw damaged(database, e.getMessage(), e);
            throw Database.translate("open the database " + database, e);
        } finally {
            Database.closeQuietly(connection);
        }
    }

    private static StoreException damaged(Path database, String detail, Throwable cause) {
        return new StoreException("The database " + database + " is damaged (" + detail.strip()
                + "); it was left untouched: restore a backup, or move it aside to start a new one.", cause);
    }

    private static void vacuumInto(Path database, Path target, String action) {
        if (Files.exists(target)) throw new StoreException("Cannot " + action + ": " + target + " already exists.");
        Connection connection = Database.connect(database, true);
        try (PreparedStatement statement = connection.prepareStatement("VACUUM INTO ?")) {
            statement.setString(1, target.toString());
            statement.execute();
        } catch (SQLException e) {
            throw Database.translate(action, e);
        } finally {
            Database.closeQuietly(connection);
        }
        restrictPermissions(target);
    }

    private static void restrictPermissions(Path file) {
        try {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (IOException | UnsupportedOperationException e) {
            // Not our file or not a POSIX file system: SQLite's own permissions stand.
        }
    }

    private void migrate() {
        for (int version = 1; version <= Migrations.latest(); version++) {
            int step = version;
            db.write("upgrade the database to schema version " + step, c -> {
                // Another process may have run this step since we looked.
                if (Migrations.version(c) < step) Migrations.apply(c, step);
                return null;
            });
        }
    }

    private void recoverInterruptedReplies() {
        List<String> sessions = db.read("look for interrupted replies", c -> {
            List<String> found = new ArrayList<>();
            try (ResultSet rows = c.createStatement().executeQuery(
                    "SELECT DISTINCT writer_session FROM messages WHERE status = 'streaming'")) {
                while (rows.next()) found.add(rows.getString(1));
            }
            return found;
        });
        for (String session : sessions) {
            if (db.isSessionAlive(session)) continue;
            db.write("mark interrupted replies", c -> Database.update(c,
                    "UPDATE messages SET status = 'interrupted', stop_reason = 'crash', writer_session = NULL"
                            + " WHERE status = 'streaming' AND writer_session IS ?", session));
        }
        db.forgetDeadSessions();
    }

    // ---- conversations -------------------------------------------------------------------------------

    public Conversation createConversation(NewConversation details) {
        validateSampling(details.samplingJson());
        long id = db.write("create a conversation", c -> {
            long now = System.currentTimeMillis();
            Database.update(c, "INSERT INTO conversations(uuid, title, created_at, updated_at, model, system_prompt, sampling_json)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), details.title(), now, now,
                    details.model(), details.systemPrompt(), details.samplingJson());
            return Database.queryLong(c, "SELECT last_insert_rowid()");
        });
        return conversation(id);
    }

    public Conversation conversation(long id) {
        return db.read("read conversation " + id, c -> Rows.conversation(c, id))
                .orElseThrow(() -> new StoreException("There is no conversation with id " + id + "."));
    }

    /** Finds a conversation by its uuid or a unique prefix of it (as printed by {@code chats list}). */
    public Optional<Conversation> findConversation(String uuidOrPrefix) {
        return db.read("find conversation " + uuidOrPrefix, c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement(
                    "SELECT id FROM conversations WHERE uuid = ? OR (length(?) >= 4 AND substr(uuid, 1, length(?)) = ?) LIMIT 2")) {
                Database.bind(statement, uuidOrPrefix, uuidOrPrefix, uuidOrPrefix, uuidOrPrefix);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) ids.add(rows.getLong(1));
                }
            }
            if (ids.size() > 1) throw new StoreException("The id prefix \"" + uuidOrPrefix + "\" matches more than one conversation; give more characters.");
            return ids.isEmpty() ? Optional.<Conversation>empty() : Rows.conversation(c, ids.getFirst());
        });
    }

    /** Every conversation, pinned first, then most recently updated first. */
    public List<ConversationSummary> listConversations() {
        return db.read("list conversations", Rows::summaries);
    }

    public void renameConversation(long id, String title) {
        updateConversation(id, "rename the conversation", "UPDATE conversations SET title = ? WHERE id = ?", title, id);
    }

    public void setPinned(long id, boolean pinned) {
        updateConversation(id, "pin the conversation", "UPDATE conversations SET pinned = ? WHERE id = ?", pinned ? 1 : 0, id);
    }

    /** Sets the model, system prompt and sampling settings (JSON) used for the next replies; nulls clear them. */
    public void configureConversation(long id, String model, String systemPrompt, String samplingJson) {
        validateSampling(samplingJson);
        updateConversation(id, "change the conversation settings",
                "UPDATE conversations SET model = ?, system_prompt = ?, sampling_json = ? WHERE id = ?", model, systemPrompt, samplingJson, id);
    }

    public void deleteConversation(long id) {
        updateConversation(id, "delete the conversation", "DELETE FROM conversations WHERE id = ?", id);
    }

    private void updateConversation(long id, String action, String sql, Object... parameters) {
        int changed = db.write(action, c -> Database.update(c, sql, parameters));
        if (changed == 0) throw new StoreException("Cannot " + action + ": there is no conversation with id " + id + ".");
    }

    private static void validateSampling(String samplingJson) {
        if (samplingJson == null) return;
        try {
            if (!JSON.readTree(samplingJson).isObject()) throw new StoreException("Sampling settings must be a JSON object, found: " + samplingJson);
        } catch (JsonProcessingException e) {
            throw new StoreException("Sampling settings are not valid JSON: " + e.getOriginalMessage() + ".", e);
        }
    }

    // ---- messages ------------------------------------------------------------------------------------

    /** Commits the user's message at once, as a child of {@code parentId} (null for the first), and makes it the current branch. */
    public Message addUserMessage(long conversationId, Long parentId, String text) {
        return addMessage(conversationId, parentId, Role.USER, text);
    }

    public Message addMessage(long conversationId, Long parentId, Role role, String content) {
        long id = db.write("save the " + role.id() + " message", c -> insertMessage(c, conversationId, parentId, role, content, "complete", null));
        return message(id);
    }

    /**
     * Starts an assistant reply under {@code parentId}: the (empty) message is committed at once with status
     * {@code streaming}; text given to {@link ReplyWriter#append} is committed at least every
     * {@value ReplyWriter#COMMIT_INTERVAL_MS} ms. Regenerating an answer is another reply under the same parent.
     */
    public ReplyWriter beginReply(long conversationId, long parentId, String model) {
        long id = db.write("start the reply", c -> insertMessage(c, conversationId, parentId, Role.ASSISTANT, "", "streaming", model));
        return new ReplyWriter(db, id);
    }

    private long insertMessage(Connection c, long conversationId, Long parentId, Role role, String content, String status, String model)
            throws SQLException {
        if (Database.queryLong(c, "SELECT count(*) FROM conversations WHERE id = ?", conversationId) == 0) {
            throw new StoreException("There is no conversation with id " + conversationId + ".");
        }
        if (parentId != null && Database.queryLong(c, "SELECT count(*) FROM messages WHERE id = ? AND conversation_id = ?", parentId, conversationId) == 0) {
            throw new StoreException("Message " + parentId + " is not part of conversation " + conversationId + ".");
        }
        long now = System.currentTimeMillis();
        Database.update(c, "INSERT INTO messages(uuid, conversation_id, parent_id, role, content, created_at, status, model, writer_session)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(), conversationId, parentId, role.id(), content, now, status, model,
                status.equals("streaming") ? db.session() : null);
        long id = Database.queryLong(c, "SELECT last_insert_rowid()");
        Database.update(c, "UPDATE conversations SET current_leaf_id = ?, updated_at = ? WHERE id = ?", id, now, conversationId);
        return id;
    }

    public Message message(long id) {
        return db.read("read message " + id, c -> Rows.messages(c, "WHERE id = ?", id)).stream().findFirst()
                .orElseThrow(() -> new StoreException("There is no message with id " + id + "."));
    }

    /** The whole tree of a conversation, oldest first; parents always come before their children. */
    public List<Message> messages(long conversationId) {
        return db.read("read the messages", c -> Rows.messages(c, "WHERE conversation_id = ? ORDER BY created_at, id", conversationId));
    }

    /** The branch the user is looking at, from the first message to the current leaf. */
    public List<Message> currentBranch(long conversationId) {
        return db.read("read the conversation", c -> Rows.messages(c, """
                WHERE id IN (
                  WITH RECURSIVE path(id, parent_id) AS (
                    SELECT m.id, m.parent_id FROM messages m JOIN conversations k ON m.id = k.current_leaf_id WHERE k.id = ?
                    UNION ALL
                    SELECT m.id, m.parent_id FROM messages m JOIN path ON m.id = path.parent_id)
                  SELECT id FROM path)
                ORDER BY created_at, id""", conversationId));
    }

    /** The alternatives at one point of the tree (edits of a user message, regenerated answers), oldest first, itself included. */
    public List<Message> siblings(long messageId) {
        Message message = message(messageId);
        return db.read("read the branches", c -> message.parentId() == null
                ? Rows.messages(c, "WHERE conversation_id = ? AND parent_id IS NULL ORDER BY created_at, id", message.conversationId())
                : Rows.messages(c, "WHERE parent_id = ? ORDER BY created_at, id", message.parentId()));
    }

    /** Switches to the branch through {@code messageId}, following the newest reply below it, and returns that branch. */
    public List<Message> selectBranch(long messageId) {
        Message message = message(messageId);
        db.write("switch branch", c -> {
            long leaf = messageId;
            while (true) {
                long child = Database.queryLong(c, "SELECT id FROM messages WHERE parent_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", leaf);
                if (child == 0) break;
                leaf = child;
            }
            return Database.update(c, "UPDATE conversations SET current_leaf_id = ? WHERE id = ?", leaf, message.conversationId());
        });
        return currentBranch(message.conversationId());
    }

    // ---- search, export, import, backup ----------------------------------------------------------------

    /** Messages matching every word of {@code query} (taken literally), best first. */
    public List<SearchHit> search(String query, int limit) {
        if (limit < 1) throw new StoreException("The search limit must be at least 1, got " + limit + ".");
        return db.read("search", c -> MessageSearch.search(c, query, limit));
    }

    /** Writes one conversation (or all when {@code conversationId} is empty) as a JSON array holding each whole message tree. */
    public void exportJson(Path file, Optional<Long> conversationId) {
        db.read("export to " + file, c -> {
            ChatTransfer.writeJson(c, file, conversationId);
            return null;
        });
    }

    /** Writes one Markdown file per conversation (its current branch) into {@code directory}; returns the files written. */
    public List<Path> exportMarkdown(Path directory, Optional<Long> conversationId) {
        return db.read("export to " + directory, c -> MarkdownExport.write(c, directory, conversationId));
    }

    /** Imports a Hearth JSON export or ChatGPT's {@code conversations.json}, detected from the content, all or nothing. */
    public ImportSummary importFile(Path file) {
        return db.write("import " + file, c -> ChatTransfer.importFile(c, file));
    }

    /** Writes a consistent copy of the database to {@code target} while it stays open. */
    public void backupTo(Path target) {
        vacuumInto(db.file(), target.toAbsolutePath(), "back up the database to " + target);
    }

    /** SQLite's full integrity check: {@code ["ok"]} or the problems found. */
    public List<String> integrityCheck() {
        return db.read("check the database", c -> {
            List<String> result = new ArrayList<>();
            try (ResultSet rows = c.createStatement().executeQuery("PRAGMA integrity_check")) {
                while (rows.next()) result.add(rows.getString(1));
            }
            return result;
        });
    }

    // ---- settings and models ---------------------------------------------------------------------------

    public void putSetting(String key, JsonNode value) {
        db.write("save setting " + key, c -> Database.update(c,
                "INSERT INTO settings(key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json",
                key, value.toString()));
    }

    public Optional<JsonNode> setting(String key) {
        String json = db.read("read setting " + key, c -> {
            try (PreparedStatement statement = c.prepareStatement("SELECT value_json FROM settings WHERE key = ?")) {
                statement.setString(1, key);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
        if (json == null) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(json));
        } catch (IOException e) {
            throw new StoreException("The stored setting " + key + " is not valid JSON.", e);
        }
    }

    /** Records a model file (or updates its name, size, quant and last use). */
    public void rememberModel(KnownModel model) {
        db.write("remember model " + model.path(), c -> Database.update(c, """
                INSERT INTO models(path, name, size_bytes, quant, last_used_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET name = excluded.name, size_bytes = excluded.size_bytes,
                  quant = excluded.quant, last_used_at = excluded.last_used_at""",
                model.path(), model.name(), model.sizeBytes(), model.quant(),
                model.lastUsed() == null ? null : model.lastUsed().toEpochMilli()));
    }

    /** Known models, most recently used first. */
    public List<KnownModel> knownModels() {
        return db.read("list models", c -> {
            List<KnownModel> models = new ArrayList<>();
            try (ResultSet rows = c.createStatement().executeQuery(
                    "SELECT path, name, size_bytes, quant, last_used_at FROM models ORDER BY last_used_at DESC NULLS LAST, name")) {
                while (rows.next()) {
                    long used = rows.getLong(5);
                    models.add(new KnownModel(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4),
                            rows.wasNull() ? null : Instant.ofEpochMilli(used)));
                }
            }
            return models;
        });
    }

    public void forgetModel(String path) {
        db.write("forget model " + path, c -> Database.update(c, "DELETE FROM models WHERE path = ?", path));
    }

    /** Makes the next writes fail with "disk full" beyond {@code pages} pages; lets tests provoke SQLITE_FULL for real. */
    void limitPages(long pages) {
        db.write("limit the database size", c -> {
            try (Statement statement = c.createStatement()) {
                statement.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        });
    }

    long pageCount() {
        return db.read("count pages", c -> Database.queryLong(c, "PRAGMA page_count"));
    }

    /** Closes the store; replies this process was still streaming are kept and marked interrupted. */
    @Override
    public void close() {
        try {
            db.write("close the store", c -> Database.update(c,
                    "UPDATE messages SET status = 'interrupted', stop_reason = 'closed', writer_session = NULL"
                            + " WHERE status = 'streaming' AND writer_session = ?", db.session()));
        } catch (StoreException e) {
            // The next open marks them interrupted instead, once this process's session lock is gone.
        } finally {
            db.close();
        }
    }
}
