// The theme before the first paint: the reader's choice (weft.theme), else the system's.
// A file, not an inline script, so the page's Content-Security-Policy can forbid inline scripts.
try {
  var t = localStorage.getItem('weft.theme');
  if (t !== 'light' && t !== 'dark') t = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = t;
} catch (e) {}
