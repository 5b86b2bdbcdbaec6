/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * What a screen shows an older person, measured in the browser against MIIT's 2021 适老化 spec
 * (shared/docs/domain.md, "Elderly-friendly mode") and WCAG: every visible text's size (typed
 * text and placeholders too) and line height, the size of everything one can tap or focus,
 * anything wider than the screen, and axe-core's serious and critical violations. Each breach
 * names the element, so a failing test says what to fix.
 */

/** In 关怀模式: text, line height, primary and other targets (CSS px). */
export const CARE = { text: 18, lineHeight: 1.3, primary: 60, other: 44 } as const;
type CareLimits = typeof CARE;
/** In normal mode: the primary buttons' height, and every target. */
export const NORMAL = { primaryHeight: 48, other: 44 } as const;
type NormalLimits = typeof NORMAL;

/**
 * The primary targets (MIIT's 主要点击区域): the home tiles, 紧急求助, each screen's main action
 * (提交, 签收, 登录: `.btn.primary`) and the tab bar's items.
 */
export const PRIMARY = '.tile, .sos, .btn.primary, .weui-tabbar__item';

/** Everything a finger or a keyboard can act on. */
const TARGETS = [
  'button',
  'a[href]',
  'input:not([type=hidden])',
  'textarea',
  'select',
  '[role=button]',
  '[role=link]',
  '[role=switch]',
  '[role=checkbox]',
  '[role=radio]',
  '[role=tab]',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

export interface Sized {
  what: string;
  size: number;
}
export interface Target {
  what: string;
  width: number;
  height: number;
  primary: boolean;
}
export interface Measurement {
  /** The smallest visible text (font size in CSS px) and the smallest line height ratio. */
  smallestText: Sized | null;
  smallestLineHeight: Sized | null;
  texts: number;
  smallTexts: number;
  /** The smallest primary and other targets (by their shorter side). */
  smallestPrimary: Target | null;
  smallestOther: Target | null;
  targets: Target[];
  /** Elements that stick out past the screen's right edge, and the page's own scroll width. */
  overflow: string[];
  scrollWidth: number;
  breaches: string[];
}

export interface Limits {
  care: boolean;
}

/** Measures the screen on show (the visible page, the tab bar, the navigation bar, any dialog). */
export async function measure(page: Page, { care }: Limits): Promise<Measurement> {
  return inPage(
    page,
    ({ care, TARGETS, PRIMARY, CARE, NORMAL }: { care: boolean; TARGETS: string; PRIMARY: string; CARE: CareLimits; NORMAL: NormalLimits }): Measurement => {
      const visible = (el: Element) => {
        if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true } as CheckVisibilityOptions)) return false;
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      };
      const describe = (el: Element): string => {
        const parts: string[] = [];
        for (let node: Element | null = el, depth = 0; node && node !== document.body && depth < 3; node = node.parentElement, depth++) {
          const id = node.getAttribute('data-testid') ?? node.getAttribute('data-screen');
          const cls = [...node.classList].filter((c) => !c.startsWith('hydrated')).slice(0, 3).join('.');
          parts.unshift(`${node.tagName.toLowerCase()}${cls ? `.${cls}` : ''}${id ? `[${id}]` : ''}`);
        }
        const text = (el.textContent ?? (el as HTMLInputElement).placeholder ?? '').trim().replace(/\s+/g, ' ').slice(0, 24);
        return `${parts.join(' > ')}${text ? ` “${text}”` : ''}`;
      };
      const breaches: string[] = [];
      const width = window.innerWidth;

      // ---- text: every non-blank text node that shows, and what inputs show (typed, placeholder)
      let smallestText: { what: string; size: number } | null = null;
      let smallestLineHeight: { what: string; size: number } | null = null;
      let texts = 0;
      let smallTexts = 0;
      const seen = new Set<Element>();
      const checkText = (el: Element, size: number, lineHeight: string, what: string, singleLine: boolean) => {
        texts++;
        if (!smallestText || size < smallestText.size) smallestText = { what, size };
        if (care && size < CARE.text - 0.01) {
          smallTexts++;
          breaches.push(`text ${size.toFixed(1)}px < ${CARE.text}px: ${what}`);
        }
        // 'normal' is the font's own spacing (about 1.45 for Noto Sans CJK); single-line inputs have none to speak of.
        if (!singleLine && lineHeight !== 'normal') {
          const ratio = parseFloat(lineHeight) / size;
          if (!smallestLineHeight || ratio < smallestLineHeight.size) smallestLineHeight = { what, size: ratio };
          if (care && ratio < CARE.lineHeight - 0.01) breaches.push(`line height ${ratio.toFixed(2)}× < ${CARE.lineHeight}×: ${what}`);
        }
        void el;
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || !node.textContent?.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || !visible(el)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        if (seen.has(el)) continue;
        seen.add(el);
        const style = getComputedStyle(el);
        checkText(el, parseFloat(style.fontSize), style.lineHeight, describe(el), false);
      }
      for (const el of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=checkbox]):not([type=hidden]), textarea')) {
        if (!visible(el)) continue;
        const style = getComputedStyle(el);
        checkText(el, parseFloat(style.fontSize), style.lineHeight, `typed text in ${describe(el)}`, el.tagName === 'INPUT');
        if (el.placeholder) {
          const placeholder = getComputedStyle(el, '::placeholder');
          checkText(el, parseFloat(placeholder.fontSize), placeholder.lineHeight, `placeholder of ${describe(el)}`, el.tagName === 'INPUT');
        }
      }

      // ---- targets: a form control is as big as the field around it (Taro's host element)
      const targets: { what: string; width: number; height: number; primary: boolean }[] = [];
      const targetSeen = new Set<Element>();
      for (const found of document.querySelectorAll(TARGETS)) {
        const el = found.matches('input, textarea') ? (found.closest('taro-input-core, taro-textarea-core') ?? found) : found;
        if (targetSeen.has(el) || !visible(el)) continue;
        targetSeen.add(el);
        const r = el.getBoundingClientRect();
        const primary = el.matches(PRIMARY) || Boolean(el.closest(PRIMARY));
        const t = { what: describe(el), width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10, primary };
        targets.push(t);
        const short = Math.min(r.width, r.height);
        if (care) {
          const floor = primary ? CARE.primary : CARE.other;
          if (short < floor - 0.5) breaches.push(`${primary ? 'primary ' : ''}target ${t.width}×${t.height} < ${floor}×${floor}: ${t.what}`);
        } else {
          if (short < NORMAL.other - 0.5) breaches.push(`target ${t.width}×${t.height} < ${NORMAL.other}×${NORMAL.other}: ${t.what}`);
          if (primary && el.matches('.btn') && r.height < NORMAL.primaryHeight - 0.5) breaches.push(`primary button ${t.height}px high < ${NORMAL.primaryHeight}: ${t.what}`);
        }
      }
      const bySide = (list: typeof targets) =>
        list.reduce<(typeof targets)[number] | null>((min, t) => (!min || Math.min(t.width, t.height) < Math.min(min.width, min.height) ? t : min), null);

      // ---- overflow: what reaches past the right edge (text cut with an ellipsis stays inside)
      const overflow: string[] = [];
      for (const el of document.body.querySelectorAll('*')) {
        if (overflow.length >= 5) break;
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && r.width > 0 && visible(el) && !el.closest('.taro-tabbar__tabbar-hide')) {
          // An element inside a box that scrolls or clips sideways is not wider than the screen.
          let clipped = false;
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (['hidden', 'auto', 'scroll', 'clip'].includes(s.overflowX) && p.getBoundingClientRect().right <= width + 1) {
              clipped = true;
              break;
            }
          }
          if (!clipped) overflow.push(`${describe(el)} reaches ${Math.round(r.right)}px of ${width}`);
        }
      }
      breaches.push(...overflow.map((o) => `wider than the screen: ${o}`));
      const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
      if (scrollWidth > width + 1) breaches.push(`the page scrolls sideways: ${scrollWidth}px wide on a ${width}px screen`);

      return {
        smallestText,
        smallestLineHeight,
        texts,
        smallTexts,
        smallestPrimary: bySide(targets.filter((t) => t.primary)),
        smallestOther: bySide(targets.filter((t) => !t.primary)),
        targets,
        overflow,
        scrollWidth,
        breaches,
      };
    },
    { care, TARGETS, PRIMARY, CARE, NORMAL },
  );
}

/**
 * Runs `fn` in the page. The test runner's compiler wraps named inner functions in a `__name()`
 * helper that exists only in Node, so the page gets a stand-in for it.
 */
async function inPage<A, R>(page: Page, fn: (arg: A) => R, arg: A): Promise<R> {
  return page.evaluate(`(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`) as Promise<R>;
}

export interface AxeFinding {
  rule: string;
  impact: string;
  elements: string[];
}

/**
 * axe-core on the whole document (Taro keeps earlier pages hidden in it; axe skips what is
 * hidden): its serious and critical violations. In 关怀模式 text contrast must reach 4.5:1 whatever
 * the text's size (MIIT), where WCAG allows 3:1 for large text.
 */
export async function axe(page: Page, { care }: Limits): Promise<AxeFinding[]> {
  const builder = new AxeBuilder({ page });
  if (care) {
    builder.options({
      checks: { 'color-contrast': { options: { contrastRatio: { normal: { expected: 4.5 }, large: { expected: 4.5 } } } } },
    } as never);
  }
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact!,
      elements: v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`),
    }));
}
