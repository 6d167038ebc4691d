import { describe, expect, it } from 'vitest';
import { matchRoute, pathFor } from './router';

describe('matchRoute', () => {
  it('shows the workflow list at the root', () => {
    expect(matchRoute('/')).toEqual({ name: 'workflows' });
  });

  it('shows a workflow page for /workflows/:id', () => {
    expect(matchRoute('/workflows/wf_123')).toEqual({ name: 'workflow', id: 'wf_123' });
  });

  it('ignores a trailing slash', () => {
    expect(matchRoute('/workflows/wf_123/')).toEqual({ name: 'workflow', id: 'wf_123' });
  });

  it('decodes an encoded workflow id', () => {
    expect(matchRoute('/workflows/a%20b')).toEqual({ name: 'workflow', id: 'a b' });
  });

  it('treats unknown paths, extra segments and a missing id as not found', () => {
    for (const path of ['/nope', '/workflows', '/workflows/', '/workflows/a/b', '/api/workflows', '/runs/a/b', '/collections/a/b']) {
      expect(matchRoute(path)).toEqual({ name: 'not-found', path });
    }
  });

  it('treats an undecodable id as not found instead of throwing', () => {
    expect(matchRoute('/workflows/%E0%A4%A')).toEqual({ name: 'not-found', path: '/workflows/%E0%A4%A' });
  });
});

describe('pathFor', () => {
  it('builds paths that match back to the same page', () => {
    for (const id of ['wf_1', 'a b', 'x/y']) {
      expect(matchRoute(pathFor({ name: 'workflow', id }))).toEqual({ name: 'workflow', id });
    }
    expect(matchRoute(pathFor({ name: 'workflows' }))).toEqual({ name: 'workflows' });
  });
});

describe('every page has a path that leads back to it', () => {
  it.each([
    { name: 'workflows' },
    { name: 'workflow', id: 'wf 1' },
    { name: 'versions', id: 'wf_1' },
    { name: 'runs' },
    { name: 'run', id: 'run_1' },
    { name: 'approvals' },
    { name: 'schedules' },
    { name: 'webhooks' },
    { name: 'collections' },
    { name: 'collection', id: 'docs' },
    { name: 'secrets' },
    { name: 'tokens' },
    { name: 'audit' },
  ] as const)('$name', (route) => {
    expect(matchRoute(pathFor(route))).toEqual(route);
  });
});
