"""An accessibility check run in the page: WCAG 2 contrast of every visible piece of text.

Instead of vendoring axe-core, the rule that matters most for a text-heavy page, measured the
way WCAG defines it: the relative luminance of the text's computed colour against the first
opaque background behind it (translucent layers blended in), 4.5:1 for normal text and 3:1 for
large text (24 px, or 18.66 px bold). Text over a background image is not measured.
"""

from __future__ import annotations

CONTRAST_FAILURES = r"""
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 }; // the canvas
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  };
  const luminance = (c) => {
    const ch = [c.r, c.g, c.b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const failures = [];
  let measured = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!text.textContent.trim() || seen.has(el) || el.closest("script, style, option")) continue;
    seen.add(el);
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = parse(style.color);
    if (!bg || !fg) continue;
    const ink = over(fg, bg);
    const [hi, lo] = [luminance(ink), luminance(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    measured += 1;
    if (ratio < (large ? 3 : 4.5)) {
      failures.push({
        text: text.textContent.trim().slice(0, 40),
        tag: el.tagName,
        cls: el.className,
        ratio: Math.round(ratio * 100) / 100,
        color: style.color,
      });
    }
  }
  return { measured, failures };
}
"""

FOCUS_RING = r"""
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { tag: el.tagName, style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
}
"""
