import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Options of `editorStatic`. */
export interface EditorStaticOptions {
  /** The editor's production build folder. */
  readonly root: string;
}

/**
 * Serves the built editor: files under `root`, and `index.html` for any other GET that is not
 * an API path, so the editor's own routes work on reload.
 */
export function editorStatic({ root }: EditorStaticOptions): MiddlewareHandler {
  const base = normalize(root + sep);
  return async function editorStatic(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = decodedPath(c.req.url);
    if (path === undefined) return c.text('bad request: the path is not valid percent-encoding', 400);
    if (path.startsWith('/api/') || path === '/api') return next();
    const file = normalize(join(base, path));
    const target = file.startsWith(base) && (await isFile(file)) ? file : join(base, 'index.html');
    if (!(await isFile(target))) return next();
    const body = await readFile(target);
    const immutable = target.includes(`${sep}assets${sep}`);
    return c.body(body, 200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
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

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
