import { describe, expect, it } from 'vitest';
import { findPii, findSecrets, findUrlHosts, hostAllowed, jsonBytes, luhnValid, walkStrings } from './detectors.js';

// Built from parts so no file holds a whole key-shaped string.
const body = (n: number) => 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6'.repeat(4).slice(0, n);
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'user-42', exp: 1900000000 })}.${body(43)}`;

const kinds = (text: string) => findSecrets(text).map((d) => d.kind);

describe('secret detector', () => {
  it.each([
    ['an OpenAI-style key', `key: sk-${body(48)}`, 'api-key'],
    ['a project key', `sk-proj-${body(60)}`, 'api-key'],
    ['an Anthropic-style key', `sk-ant-api03-${body(80)}`, 'api-key'],
    ['an AWS access key id', `AKIA${'IOSFODNN7EXAMPL'}E in the config`, 'aws-access-key'],
    ['a GitHub token', `token ghp_${body(36)}`, 'github-token'],
    ['a fine-grained GitHub token', `github_pat_${body(22)}_${body(59)}`, 'github-token'],
    ['a Slack token', `xoxb-123456789012-${body(24)}`, 'slack-token'],
    ['a Stripe key', `sk_live_${body(24)}`, 'stripe-key'],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'private-key'],
    ['an OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n', 'private-key'],
    ['a JWT', `Authorization: Bearer ${jwt}`, 'jwt'],
  ])('finds %s', (_name, text, kind) => {
    expect(kinds(text)).toEqual([kind]);
  });

  it.each([
    ['a library name', 'we use sk-learn-and-friends-for-modelling here'],
    ['a task id', 'task-manager-9f8e7d6c5b4a3f2e1d0c'],
    ['a short sk- prefix', 'sk-12345'],
    ['AKIA in prose', 'AKIA is the prefix of AWS access key ids'],
    ['a short ghp_ string', 'ghp_abc123'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----'],
    ['three dotted base64 parts that are not a JWT', `eyJub3QiOiJhIGhlYWRlciJ9.eyJhIjoxfQ.${body(20)}`],
    ['plain text', 'Please refund order 1234 to the customer by Friday.'],
  ])('does not flag %s', (_name, text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('masks what it finds to a prefix and the last four characters', () => {
    const key = `sk-${body(48)}`;
    const [hit] = findSecrets(`x ${key} y`);
    expect(hit!.masked).toBe(`sk-…${key.slice(-4)}`);
    expect(hit!.masked).not.toContain(key.slice(3, 20));
    expect(findSecrets(`ghp_${body(36)}`)[0]!.masked).toBe(`ghp_…${body(36).slice(-4)}`);
    expect(findSecrets(jwt)[0]!.masked).toBe(`eyJ…${jwt.slice(-4)}`);
    expect(findSecrets('-----BEGIN EC PRIVATE KEY-----')[0]!.masked).toBe('-----BEGIN … PRIVATE KEY-----');
  });

  it('reports a span once, as the most specific kind', () => {
    expect(kinds(`sk_live_${body(30)} and sk-${body(40)}`)).toEqual(['stripe-key', 'api-key']);
  });
});

describe('Luhn check', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '79927398713'])('accepts %s', (n) => {
    expect(luhnValid(n)).toBe(true);
  });

  it.each(['4111111111111112', '1234567812345678', '79927398710', '', '1', '41111x1111111111'])('refuses "%s"', (n) => {
    expect(luhnValid(n)).toBe(false);
  });
});

describe('personal data detector', () => {
  const of = (text: string, k?: Parameters<typeof findPii>[1]) => findPii(text, k).map((d) => `${d.kind} ${d.masked}`);

  it('finds e-mail addresses and masks the local part', () => {
    expect(of('write to jane.doe+tag@mail.example.co.uk today')).toEqual(['email j…@mail.example.co.uk']);
  });

  it('does not take file names or bare handles for addresses', () => {
    expect(of('icon@2x.png, @jane, user@localhost')).toEqual([]);
  });

  it('finds card numbers that pass the Luhn check, grouped or not', () => {
    expect(of('card 4111 1111 1111 1111 exp 12/30')).toEqual(['card …1111']);
    expect(of('card 5555-5555-5555-4444')).toEqual(['card …4444']);
    expect(of('amex 378282246310005')).toEqual(['card …0005']);
  });

  it('does not take numbers that fail the Luhn check, timestamps or long ids for cards', () => {
    expect(of('order 4111111111111112')).toEqual([]);
    expect(of('at 1700000000000 ms')).toEqual([]);
    expect(of('id 41111111111111110000')).toEqual([]);
    expect(of('4444444444444444')).toEqual([]);
  });

  it('finds international and North American phone numbers', () => {
    expect(of('call +44 20 7946 0958')).toEqual(['phone …58']);
    expect(of('call +1 (555) 123-4567')).toEqual(['phone …67']);
    expect(of('call (555) 123-4567 or 555.123.4568')).toEqual(['phone …67', 'phone …68']);
  });

  it('does not take dates, times, versions, addresses or short numbers for phones', () => {
    expect(of('on 2024-01-15T10:00:00+01:00, version 1.22.3, host 192.168.10.1, room 555-1234, total 12345')).toEqual([]);
  });

  it('looks only for the kinds asked', () => {
    const text = 'jane@example.com, 4111 1111 1111 1111, +44 20 7946 0958';
    expect(of(text, ['card'])).toEqual(['card …1111']);
    // A card number is not reported as a phone number when only phones are wanted.
    expect(of(text, ['phone'])).toEqual(['phone …58']);
  });
});

describe('URL hosts and allow-list', () => {
  it('finds http(s) URLs and gives their origin only, never the path or query', () => {
    expect(findUrlHosts('see https://Docs.Example.com/a?token=x and http://10.0.0.1:8080/y, not ftp://z')).toEqual([
      { host: 'docs.example.com', origin: 'https://docs.example.com' },
      { host: '10.0.0.1', origin: 'http://10.0.0.1:8080' },
    ]);
  });

  it('allows exact hosts and subdomains of *. entries', () => {
    const allow = ['api.example.com', '*.trusted.org'];
    expect(hostAllowed('api.example.com', allow)).toBe(true);
    expect(hostAllowed('API.EXAMPLE.COM', allow)).toBe(true);
    expect(hostAllowed('x.api.example.com', allow)).toBe(false);
    expect(hostAllowed('a.b.trusted.org', allow)).toBe(true);
    expect(hostAllowed('trusted.org', allow)).toBe(false);
    expect(hostAllowed('eviltrusted.org', allow)).toBe(false);
  });
});

describe('walking and sizing the input', () => {
  it('visits every string with its JSON path', () => {
    const seen: string[] = [];
    walkStrings({ a: 'x', list: [1, 'y', { 'odd key': 'z' }], n: null }, (t, p) => seen.push(`${p}=${t}`));
    expect(seen).toEqual(['$.a=x', '$.list[1]=y', '$.list[2]["odd key"]=z']);
  });

  it('counts JSON bytes as UTF-8', () => {
    expect(jsonBytes({ a: 'é' })).toBe(10);
    expect(jsonBytes(undefined)).toBe(4);
  });
});
