// A small accessibility checker, run inside a page by accessibility.ts (no axe-core version
// is pinned in TOOLCHAIN.md, so the web page's test brings its own): WCAG 2.1 AA text
// contrast (4.5:1, 3:1 for large text) computed from the rendered colours, and an accessible
// name for every control (label, aria-label, aria-labelledby, text or title), the page's
// language and title. Plain browser JavaScript: it is evaluated as a script in the page.
// Returns one line per problem; an empty list passes.
// biome-ignore lint/correctness/noUnusedVariables: accessibility.ts calls it after evaluating this file
function check() {
  const problems = [];
  const doc = document;
  const view = window;
  const describe = (el) =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = view.getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };

  if (!doc.documentElement.lang) problems.push('html has no lang');
  if (!doc.title.trim()) problems.push('the document has no title');

  // Names of controls.
  const controls = doc.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, summary, a[href], [tabindex]:not([tabindex="-1"])',
  );
  for (const control of controls) {
    if (!visible(control)) continue;
    const labelledBy = (control.getAttribute('aria-labelledby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => doc.getElementById(id)?.textContent?.trim() ?? '')
      .join(' ');
    const labels = control.labels;
    const name =
      control.getAttribute('aria-label')?.trim() ||
      labelledBy ||
      (labels ? [...labels].map((l) => l.textContent?.trim() ?? '').join(' ') : '') ||
      (['button', 'summary', 'a', 'tr'].includes(control.tagName.toLowerCase())
        ? (control.textContent?.trim() ?? '')
        : '') ||
      control.getAttribute('title')?.trim() ||
      '';
    if (!name) problems.push(`no accessible name: ${describe(control)}`);
  }

  // Contrast of every visible text.
  const parse = (color) => {
    const m = /rgba?\(([^)]+)\)/.exec(color);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1]
      .split(/[,\s/]+/)
      .filter(Boolean)
      .map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
  };
  const background = (el) => {
    // Stacked translucent backgrounds, blended from the top element down to white.
    const layers = [];
    for (let at = el; at; at = at.parentElement) {
      const c = parse(view.getComputedStyle(at).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let rgb = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse())
      rgb = [r * a + rgb[0] * (1 - a), g * a + rgb[1] * (1 - a), b * a + rgb[2] * (1 - a)];
    return rgb;
  };
  const luminance = ([r, g, b]) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent?.trim() || !visible(el)) continue;
    if (el.closest('script, style, [hidden]')) continue;
    seen.add(el);
    const style = view.getComputedStyle(el);
    const [r, g, b, a] = parse(style.color);
    const back = background(el);
    const fore = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
    const [light, dark] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = Number.parseFloat(style.fontSize);
    const bold = Number.parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(el)}`);
  }
  return problems;
}
