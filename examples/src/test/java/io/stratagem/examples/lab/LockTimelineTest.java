package io.stratagem.examples.lab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LockTimelineTest {

    private static LockTimeline.Event e(String thread, String kind, long start, long end) {
        return new LockTimeline.Event(thread, kind, start, end);
    }

    @Test
    void busiestWindow_startsWhereTheMostTurnsBegin() {
        List<LockTimeline.Event> events = new ArrayList<>();
        events.add(e("a", "HOLD", 0, 100));           // one long turn at the start
        for (int i = 0; i < 10; i++) {                  // then ten short turns from 500 on
            events.add(e(i % 2 == 0 ? "a" : "b", "HOLD", 500 + i * 5, 505 + i * 5));
        }
        events.add(e("b", "WAIT", 0, 500));
        LockTimeline t = new LockTimeline(events, "", false);
        assertEquals(500, t.busiestWindow(50));
        assertEquals(0, t.startNanos());
        assertEquals(550, t.endNanos());
        assertEquals(List.of("a", "b"), t.threads());
    }

    @Test
    void threads_putTheGcLaneLast() {
        LockTimeline t = new LockTimeline(List.of(e("GC", "GC", 0, 5), e("b", "HOLD", 1, 9), e("a", "WAIT", 2, 9)),
                "", false);
        assertEquals(List.of("b", "a", "GC"), t.threads());
    }

    @Test
    void window_clipsEventsToTheRange() {
        LockTimeline t = new LockTimeline(List.of(e("a", "HOLD", 0, 100), e("b", "WAIT", 50, 300),
                e("a", "RELEASED", 400, 500)), "", false);
        LockTimeline w = t.window(80, 200);
        assertEquals(List.of(e("a", "HOLD", 80, 100), e("b", "WAIT", 80, 200)), w.events());
    }

    @Test
    void event_endingBeforeItStarts_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> e("a", "HOLD", 10, 5));
    }
}
