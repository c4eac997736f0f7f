package dev.hearth.app.ui.sidebar;

import dev.hearth.app.store.ConversationSummary;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SidebarViewModelTest {

    private static final ZoneId ZONE = ZoneOffset.UTC;
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

    private static ConversationSummary chat(long id, LocalDate day, boolean pinned) {
        return new ConversationSummary(id, "u" + id, "chat " + id, day.atStartOfDay(ZONE).toInstant(),
                day.atTime(12, (int) id).atZone(ZONE).toInstant(), pinned, 2);
    }

    @Test
    void groupsChatsByDayWithPinnedOnTopAndNewestFirst() {
        var rows = SidebarViewModel.group(List.of(
                chat(1, TODAY.minusDays(30), false),
                chat(2, TODAY, false),
                chat(3, TODAY.minusDays(1), false),
                chat(4, TODAY.minusDays(5), false),
                chat(5, TODAY, false),
                chat(6, TODAY.minusDays(100), true)), TODAY, ZONE);

        assertEquals(List.of("PINNED", "6", "TODAY", "5", "2", "YESTERDAY", "3", "PREVIOUS_7_DAYS", "4", "OLDER", "1"),
                rows.stream().map(r -> switch (r) {
                    case SidebarRow.Heading h -> h.group().name();
                    case SidebarRow.Chat c -> Long.toString(c.summary().id());
                    case SidebarRow.Hit h -> "hit";
                }).toList());
    }

    @Test
    void eightDaysAgoIsOlderAndSevenIsNot() {
        assertEquals(SidebarRow.Group.PREVIOUS_7_DAYS, SidebarViewModel.groupOf(chat(1, TODAY.minusDays(7), false), TODAY, ZONE));
        assertEquals(SidebarRow.Group.OLDER, SidebarViewModel.groupOf(chat(1, TODAY.minusDays(8), false), TODAY, ZONE));
    }
}
