package dev.hearth.app.ui.sidebar;

import dev.hearth.app.store.ConversationSummary;
import dev.hearth.app.store.SearchHit;

/** A line of the sidebar: a date heading, a conversation, or a search result. */
public sealed interface SidebarRow {

    enum Group { PINNED, TODAY, YESTERDAY, PREVIOUS_7_DAYS, OLDER }

    record Heading(Group group) implements SidebarRow {}

    record Chat(ConversationSummary summary) implements SidebarRow {}

    record Hit(SearchHit hit) implements SidebarRow {}
}
