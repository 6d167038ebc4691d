import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/** Options of `editorStatic`. */
export interface EditorStaticOptions {
  /** The editor's production build folder (with the `.br` and `.gz` files Vite writes beside each asset). */
  readonly root: string;
}

/** Vite names what it writes under `assets/` by content hash, so a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built editor with `@hono/node-server`'s `serveStatic`: the brotli or gzip file built
 * beside each asset when the browser takes it; hashed assets cached for a year, `index.html`
 * revalidated on every load; and `index.html` for any other GET that is not an API path, so the
 * editor's own routes work on reload. A path that is not valid percent-encoding is a 400.
 */
export function editorStatic({ root }: EditorStaticOptions): MiddlewareHandler {
  const files = serveStatic({ root, precompressed: true });
  const index = serveStatic({ root, path: 'index.html', precompressed: true });
  return async function editorStatic(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = decodedPath(c.req.url);
    if (path === undefined) return c.text('bad request: the path is not valid percent-encoding', 400);
    if (path.startsWith('/api/') || path === '/api') return next();
    // Set before the file is read: serveStatic builds its answer from the headers set by then.
    c.header('Cache-Control', path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
    return files(c, async () => {
      c.header('Cache-Control', 'no-cache');
      const answer = await index(c, next);
      if (answer) c.res = answer;
    });
  };
}

/** The request's decoded path, or undefined when it is not valid percent-encoding (`/%ff`). */
function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}
