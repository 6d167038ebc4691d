/* global matchMedia, document */
// The theme before the first paint: the reader's choice (weft.theme), else the system's.
// A file, not an inline script, so the page's Content-Security-Policy can forbid inline scripts.
try {
  let t = localStorage.getItem('weft.theme');
  if (t !== 'light' && t !== 'dark') t = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = t;
} catch {
  // Storage blocked (private mode, policy): the stylesheet's default theme stands.
}
