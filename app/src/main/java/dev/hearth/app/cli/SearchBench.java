package dev.hearth.app.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code bench search}: builds a throw-away store of N generated messages (English and Japanese, through
 * the real import path), then times each kind of query: whole words, several words, a 3+ character
 * Japanese substring, 2-character Japanese words (the bigram index), the most frequent word (more matches
 * than are ranked), a 1-character word that is nowhere (a prefix of bigrams) and an absent word.
 */
final class SearchBench {
    private SearchBench() {}

    private static final int MESSAGES_PER_CONVERSATION = 20;
    private static final int WARMUP = 5;
    private static final int RUNS = 30;
    private static final List<String> QUERIES = List.of("weather", "train station", "the", "東京", "天気", "天気予報", "鯨", "xylophone");

    /** Function words first (most frequent), then topic words, then generated words: ranks follow Zipf's law when drawn by {@link #zipf}. */
    private static final List<String> ENGLISH_WORDS = List.of(("the of and to a in is it you that he was for on are with as I his they be at"
            + " one have this from or had by not word but what some we can out other were all there when up use your how said an each"
            + " she which do their time if will way about many then them write would like so these her long make thing see him two has"
            + " look more day could go come did number sound no most people my over know water than call first who may down side been"
            + " now find any new work part take get place made live where after back little only round man year came show every good"
            + " me give our under name very through just form sentence great think say help low line differ turn cause much mean before"
            + " move right boy old too same tell does set three want air well also play small end put home read hand port large spell"
            + " weather tomorrow rain sunny forecast train station ticket tokyo kyoto osaka hotel dinner recipe garlic onion java code"
            + " function database query index search memory thread compile error test model token prompt answer question explain").split(" "));
    private static final List<String> JAPANESE_WORDS = List.of(("の は に を た が で て と し れ さ ある いる も する から な こと として い や れる"
            + " など なっ ない この ため その あっ よう また もの という あり まで られ なる へ か だ これ によって により おり より による ず なり"
            + " 東京 大阪 京都 天気 天気予報 明日 今日 雨 晴れ 電車 駅 切符 ホテル 夕食 料理 にんにく 玉ねぎ データベース 検索 質問 答え 例 説明"
            + " 会議 予定 月曜日 金曜日").split(" "));
    private static final String SYLLABLES = "ka ki ku ke ko sa shi su se so ta te to na ni nu ne no ha hi fu he ho ma mi mu me mo ra ri ru re ro ya yu yo wa";
    private static final String KANJI = "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査勝面委告軍文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官増係感特情投示変打男基私各始島直両朝革価式確村提運終挙果西勢減台広容必応演電歳住争談能無再位置企真流格有疑口過局少放税検藤町常校料沢裁状工建語球営空職証土与急止送援供可役構木割聞身費付施切由説転食比難防補車優夫研収断井何南石足違消境神番規術護展態導鮮備宅害配副算視条幹独警宮究育席輸訪楽起万着乗店述残想線率病農州武声質念待試族象銀域助労例衛然早張映限親額監環験追審商葉義伝働形景落欧担好退準賞訴辺造英被株頭技低毎医復仕去姿味負閣韓渡失移差衆個門写評課末守若脳極種美岡影命含福蔵量望松非撃佐核観察整段横融型白深字答夜製票況音申様財港識注呼渉達";

    private record Vocabularies(List<String> english, List<String> japanese) {}

    /** The real words followed by generated ones, so that a query word is as rare as in real chats rather than in every message. */
    private static Vocabularies vocabularies(Random random) {
        String[] syllables = SYLLABLES.split(" ");
        List<String> englishVocabulary = new ArrayList<>(ENGLISH_WORDS);
        while (englishVocabulary.size() < 20_000) {
            StringBuilder word = new StringBuilder();
            for (int i = 2 + random.nextInt(3); i > 0; i--) word.append(syllables[random.nextInt(syllables.length)]);
            englishVocabulary.add(word.toString());
        }
        List<String> japaneseVocabulary = new ArrayList<>(JAPANESE_WORDS);
        while (japaneseVocabulary.size() < 20_000) {
            japaneseVocabulary.add("" + KANJI.charAt(random.nextInt(KANJI.length())) + KANJI.charAt(random.nextInt(KANJI.length())));
        }
        return new Vocabularies(englishVocabulary, japaneseVocabulary);
    }

    private static int zipf(Random random, int size) {
        return Math.min(size - 1, (int) Math.pow(size + 1, random.nextDouble()) - 1);
    }

    static int run(Invocation call) throws IOException {
        int messages = call.args().intOption("--messages", 100_000, MESSAGES_PER_CONVERSATION, 10_000_000);
        long seed = call.args().intOption("--seed", 42, 0, Integer.MAX_VALUE);
        Path workDir = Files.createTempDirectory("hearth-bench-");
        try {
            Path corpus = workDir.resolve("corpus.json");
            writeCorpus(corpus, messages, new Random(seed));
            long built;
            try (ConversationStore store = ConversationStore.open(DataDir.prepare(workDir.resolve("data")))) {
                long start = System.nanoTime();
                store.importFile(corpus);
                built = (System.nanoTime() - start) / 1_000_000;
                ArrayNode results = ChatsCommands.JSON.createArrayNode();
                for (String query : QUERIES) {
                    int found = 0;
                    for (int i = 0; i < WARMUP; i++) found = store.search(query, 20).size();
                    double[] millis = new double[RUNS];
                    for (int i = 0; i < RUNS; i++) {
                        long t = System.nanoTime();
                        store.search(query, 20);
                        millis[i] = (System.nanoTime() - t) / 1e6;
                    }
                    Arrays.sort(millis);
                    results.addObject().put("query", query).put("hits", found)
                            .put("median_ms", round(millis[RUNS / 2])).put("p95_ms", round(millis[(int) (RUNS * 0.95)])).put("max_ms", round(millis[RUNS - 1]));
                }
                if (call.args().has("--json")) {
                    ObjectNode report = ChatsCommands.JSON.createObjectNode().put("messages", messages).put("import_ms", built);
                    report.set("queries", results);
                    call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                } else {
                    call.out().printf("%d messages, imported in %d ms; %d timed runs per query after %d warm-up runs, limit 20%n",
                            messages, built, RUNS, WARMUP);
                    results.forEach(r -> call.out().printf("  %-14s hits %3d  median %7.2f ms  p95 %7.2f ms  max %7.2f ms%n",
                            r.get("query").asText(), r.get("hits").asInt(), r.get("median_ms").asDouble(), r.get("p95_ms").asDouble(), r.get("max_ms").asDouble()));
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
            }
        }
        return 0;
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }

    /** Conversations of alternating user/assistant messages; about a third Japanese, word frequencies skewed like real text. */
    private static void writeCorpus(Path file, int messages, Random random) throws IOException {
        Vocabularies vocabularies = vocabularies(random);
        long time = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        try (OutputStream out = Files.newOutputStream(file); JsonGenerator json = ChatsCommands.JSON.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (int written = 0; written < messages; written += MESSAGES_PER_CONVERSATION) {
                json.writeStartObject();
                json.writeStringField("id", new UUID(random.nextLong(), random.nextLong()).toString());
                json.writeStringField("title", "Conversation " + (written / MESSAGES_PER_CONVERSATION + 1));
                json.writeStringField("created", Instant.ofEpochMilli(time).toString());
                json.writeStringField("updated", Instant.ofEpochMilli(time + MESSAGES_PER_CONVERSATION * 1000L).toString());
                json.writeArrayFieldStart("messages");
                String parent = null;
                for (int i = 0; i < MESSAGES_PER_CONVERSATION && written + i < messages; i++) {
                    String id = new UUID(random.nextLong(), random.nextLong()).toString();
                    json.writeStartObject();
                    json.writeStringField("id", id);
                    json.writeStringField("parent", parent);
                    json.writeStringField("role", i % 2 == 0 ? "user" : "assistant");
                    json.writeStringField("content", sentence(random, vocabularies, i % 2 == 0 ? 12 : 60));
                    json.writeStringField("created", Instant.ofEpochMilli(time += 1000).toString());
                    json.writeEndObject();
                    parent = id;
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }

    private static String sentence(Random random, Vocabularies vocabularies, int meanWords) {
        boolean japanese = random.nextInt(3) == 0;
        List<String> vocabulary = japanese ? vocabularies.japanese() : vocabularies.english();
        int words = 1 + random.nextInt(meanWords * 2);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String word = vocabulary.get(zipf(random, vocabulary.size()));
            if (!japanese && !text.isEmpty()) text.append(' ');
            text.append(word);
        }
        return text.append(japanese ? "。" : ".").toString();
    }
}
