import { describe, expect, it } from 'vitest';
import { NodeError } from '../context.js';
import { fetchWithSecret, secretNotAllowed } from './binding.js';

/** A fetch that answers from a table of URL to response, recording what it was asked. */
function fakeFetch(answers: Record<string, () => Response>) {
  const asked: { url: string; init: RequestInit }[] = [];
  const inner = (async (input: string | URL, init: RequestInit = {}) => {
    const url = String(input);
    asked.push({ url, init });
    const answer = answers[url];
    return answer ? answer() : new Response('ok');
  }) as typeof fetch;
  return { asked, inner };
}

const hop = (location: string, status = 302) => () => new Response(null, { status, headers: { location } });
const allowedIn = (hosts: string[]) => async (u: URL) => {
  const refused = secretNotAllowed('TOKEN', hosts, u);
  if (refused) throw refused;
};

describe('secretNotAllowed', () => {
  it('is a non-retryable SecretNotAllowed naming the secret and the host, or nothing where the secret is bound', () => {
    expect(secretNotAllowed('TOKEN', ['api.example.com'], new URL('https://api.example.com/x'))).toBeUndefined();
    const e = secretNotAllowed('TOKEN', ['api.example.com'], new URL('https://evil.example.net:8443/x?token=abc'));
    expect(e).toBeInstanceOf(NodeError);
    expect(e).toMatchObject({ type: 'SecretNotAllowed', retryable: false, details: { secret: 'TOKEN', host: 'evil.example.net:8443', destination: 'https://evil.example.net:8443/x' } });
    expect(e!.message).not.toContain('token=abc');
  });
});

describe('fetchWithSecret', () => {
  it('checks every hop before it is requested and fails on one the secret is not bound to', async () => {
    const { asked, inner } = fakeFetch({ 'https://api.example.com/a': hop('/b'), 'https://api.example.com/b': hop('https://evil.example.net/c') });
    const bound = fetchWithSecret(inner, { allowed: allowedIn(['api.example.com']), credentialHeader: 'authorization' });
    await expect(bound('https://api.example.com/a', { headers: { authorization: 'Bearer t' } })).rejects.toMatchObject({ type: 'SecretNotAllowed' });
    expect(asked.map((a) => a.url)).toEqual(['https://api.example.com/a', 'https://api.example.com/b']);
    expect(asked.every((a) => a.init.redirect === 'manual')).toBe(true);
  });

  it('keeps the credential on a hop to another bound origin, dropping cookies and other credentials', async () => {
    const { asked, inner } = fakeFetch({ 'https://api.example.com/a': hop('https://files.example.com/b') });
    const bound = fetchWithSecret(inner, { allowed: allowedIn(['api.example.com', 'files.example.com']), credentialHeader: 'x-api-key' });
    const res = await bound('https://api.example.com/a', { headers: { 'x-api-key': 'k', cookie: 'c=1', authorization: 'Basic x' } });
    expect(await res.text()).toBe('ok');
    const last = new Headers(asked.at(-1)!.init.headers);
    expect([last.get('x-api-key'), last.get('cookie'), last.get('authorization')]).toEqual(['k', null, null]);
  });

  it('turns a 303 into a GET without a body, and stops after too many redirects', async () => {
    const { asked, inner } = fakeFetch({ 'https://api.example.com/post': hop('/done', 303), 'https://api.example.com/loop': hop('/loop') });
    const bound = fetchWithSecret(inner, { allowed: allowedIn(['api.example.com']), maxRedirects: 2 });
    await bound('https://api.example.com/post', { method: 'POST', body: 'x' });
    expect(asked.at(-1)!.init).toMatchObject({ method: 'GET' });
    expect(asked.at(-1)!.init.body).toBeUndefined();
    await expect(bound('https://api.example.com/loop')).rejects.toMatchObject({ type: 'TooManyRedirects' });
  });

  it('hands a manual redirect back unfollowed, after checking the first destination', async () => {
    const { asked, inner } = fakeFetch({ 'https://api.example.com/a': hop('https://evil.example.net/') });
    const bound = fetchWithSecret(inner, { allowed: allowedIn(['api.example.com']) });
    expect((await bound('https://api.example.com/a', { redirect: 'manual' })).status).toBe(302);
    await expect(bound('https://evil.example.net/', { redirect: 'manual' })).rejects.toMatchObject({ type: 'SecretNotAllowed' });
    expect(asked).toHaveLength(1);
  });
});
