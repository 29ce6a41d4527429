package dev.nightshift.agent.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The elements the agent acted on, drawn over the page for an annotated screenshot: a box and a
 * numbered label each, in an overlay injected just before the capture and removed right after, so
 * the page itself is left as it was. Positions are the page's (scroll included), taken before each
 * action (a click may navigate away). Browser thread only.
 */
final class Annotations {
    static final int MAX_MARKS = 20;
    private static final String OVERLAY_ID = "__nightshift_annotations";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One action: its number, its words ("click #submit") and where the element was. */
    record Mark(int number, String label, double x, double y, double width, double height) {}

    private Annotations() {}

    /** Where {@code element} is on its page now, as a mark; null when it cannot be measured. */
    static Mark measure(Locator element, int number, String label, double timeoutMillis) {
        try {
            Object box = element.evaluate(
                    "e => { const r = e.getBoundingClientRect();"
                            + " return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; }",
                    null,
                    new Locator.EvaluateOptions().setTimeout(timeoutMillis));
            if (box instanceof List<?> v && v.size() == 4) {
                return new Mark(number, label, num(v.get(0)), num(v.get(1)), num(v.get(2)), num(v.get(3)));
            }
        } catch (RuntimeException e) {
            // the action reports what is wrong with the element
        }
        return null;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static void add(List<Mark> marks, Mark mark) {
        if (mark == null) {
            return;
        }
        if (marks.size() == MAX_MARKS) {
            marks.removeFirst();
        }
        marks.add(mark);
    }

    /** Draws the marks over the page. */
    static void show(Page page, List<Mark> marks) throws Exception {
        List<Map<String, Object>> data = new ArrayList<>();
        for (Mark m : marks) {
            data.add(Map.of(
                    "n", m.number(), "label", m.label(), "x", m.x(), "y", m.y(), "w", m.width(), "h", m.height()));
        }
        page.evaluate(
                "([id, marks]) => { const root = document.createElement('div'); root.id = id;"
                        + " root.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;"
                        + "pointer-events:none;z-index:2147483647';"
                        + " for (const m of marks) { const b = document.createElement('div');"
                        + " b.style.cssText = `position:absolute;left:${m.x - 3}px;top:${m.y - 3}px;"
                        + "width:${m.w + 2}px;height:${m.h + 2}px;border:2px solid #e5006a;border-radius:3px`;"
                        + " const l = document.createElement('div'); l.textContent = m.n + ' ' + m.label;"
                        + " l.style.cssText = `position:absolute;left:${m.x - 3}px;top:${Math.max(0, m.y - 22)}px;"
                        + "background:#e5006a;color:#fff;font:12px/18px sans-serif;padding:0 4px;"
                        + "border-radius:3px;white-space:nowrap`;"
                        + " root.append(b, l); } document.documentElement.append(root); }",
                List.of(OVERLAY_ID, JSON.convertValue(data, List.class)));
    }

    /** Removes the overlay again. */
    static void hide(Page page) {
        try {
            page.evaluate("id => document.getElementById(id)?.remove()", OVERLAY_ID);
        } catch (RuntimeException e) {
            // the page went away: so did the overlay
        }
    }
}
