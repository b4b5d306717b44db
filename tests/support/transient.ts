// Waiting on elements that live for a moment — a reaction floats for ~2.5 s and is removed when its animation ends.
// A locator wait polls the page, and a read after it is a second look: on a loaded machine the element can come and
// go between two polls, or between the wait and the read (issue 9). A watcher installed before the action records
// every matching element as it is added, and again each time the watched attributes change, with its box at that
// moment; the test then waits for, and judges, that record.
import type { Page } from 'playwright-core';

export interface Sighting {
  /** The watched attributes as last seen on the element (null when absent). */
  attrs: Record<string, string | null>;
  /** The element's box in the viewport when last seen. */
  box: { x: number; y: number; width: number; height: number };
}

export interface Watcher {
  /** Every matching element seen so far, in the order they appeared. */
  seen(): Promise<Sighting[]>;
}

let nextWatch = 0;

/** Starts recording every element matching `selector` that the page adds from now on. */
export async function watchAdded(page: Page, selector: string, attributes: string[]): Promise<Watcher> {
  const key = `__podiumWatch${nextWatch++}`;
  await page.evaluate(
    ({ key, selector, attributes }) => {
      const records: { attrs: Record<string, string | null>; box: { x: number; y: number; width: number; height: number } }[] = [];
      const index = new WeakMap<Element, number>();
      const note = (el: Element): void => {
        const rect = el.getBoundingClientRect();
        const record = {
          attrs: Object.fromEntries(attributes.map((a) => [a, el.getAttribute(a)])),
          box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
        };
        const at = index.get(el);
        if (at === undefined) {
          index.set(el, records.length);
          records.push(record);
        } else records[at] = record;
      };
      const observer = new MutationObserver((mutations) => {
        for (const m of mutations) {
          if (m.type === 'attributes' && m.target instanceof Element && m.target.matches(selector)) note(m.target);
          for (const node of m.addedNodes) {
            if (!(node instanceof Element)) continue;
            if (node.matches(selector)) note(node);
            node.querySelectorAll(selector).forEach(note);
          }
        }
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: attributes.length ? attributes : undefined });
      (window as unknown as Record<string, unknown>)[key] = records;
    },
    { key, selector, attributes },
  );
  return {
    seen: () => page.evaluate((key) => structuredClone((window as unknown as Record<string, Sighting[]>)[key] ?? []), key),
  };
}
