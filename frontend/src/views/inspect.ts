// Hover/focus details go to the chart's own live region, so keyboard and screen-reader
// users get the same text as mouse users (the SVG <title> gives the mouse tooltip).
// The live region has no lit-managed content (its hint is a CSS attr()), so writing
// into it never disturbs a later render.

export function showDetail(text: string) {
  return (e: Event) => {
    const figure = (e.currentTarget as Element).closest('figure');
    const box = figure?.querySelector('.inspect');
    if (box) box.textContent = text;
  };
}

/** Empties every detail line, e.g. after a language switch made them stale. */
export function clearDetails(root: ParentNode) {
  root.querySelectorAll('.inspect').forEach((el) => (el.textContent = ''));
}
