import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiClient, UsageError } from './client.js';

/** Help lines of `weft secrets set|hosts|list`, for `weft help`. */
export const SECRET_HELP = `  secrets set <name> [--host <host>]…
                                store a secret through the API (admin token); the value is read from stdin
                                (printf %s "$VALUE" | weft secrets set NAME --host api.example.com), never
                                from the command line. A new secret needs --host; without it the stored
                                hosts are kept
  secrets hosts <name> --host <host>…
                                bind a secret to the hosts it may be sent to, keeping its value. A host is
                                [http://]host[:port][/path-prefix]: https only unless http:// is written,
                                *.example.com allows one more label, no port means the default one
  secrets list                  secrets with their hosts (never values); "(none)" marks one sent nowhere
`;

type Out = (line: string) => void;

/** What the commands read and write; the process's own streams by default. */
export interface SecretCommandIo {
  readonly api: () => ApiClient;
  /** The value piped to the command; `undefined` when stdin is a terminal. */
  readonly stdin: () => string | undefined;
  readonly out: Out;
}

/** Reads the piped value, without the one line break `echo` or a file adds. */
export function readPipedValue(): string | undefined {
  if (process.stdin.isTTY) return undefined;
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

interface SecretItem {
  readonly name: string;
  readonly hosts: string[] | null;
}

/** `weft secrets set|hosts|list`: the API client side of secrets. Returns the exit code. */
export async function secretsCommand(args: string[], io: SecretCommandIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: { host: { type: 'string', multiple: true } }, allowPositionals: true, strict: true });
  const hosts = values.host ?? [];
  switch (sub) {
    case 'set': {
      const name = oneName(positionals, 'secrets set <name> [--host <host>]…');
      const value = io.stdin();
      if (value === undefined || value === '') {
        throw new UsageError(`pipe the value on stdin, so it stays out of the command line and shell history: printf %s "$VALUE" | weft secrets set ${name}${hosts.length ? '' : ' --host api.example.com'}`);
      }
      const res = await io.api().request<{ created: boolean; hosts: string[] | null }>('PUT', `/api/secrets/${encodeURIComponent(name)}`, { value, ...(hosts.length ? { hosts } : {}) });
      io.out(`${res.created ? 'stored' : 'updated'} ${name}; it may be sent to ${describeHosts(res.hosts)}`);
      return 0;
    }
    case 'hosts': {
      const name = oneName(positionals, 'secrets hosts <name> --host <host>…');
      if (hosts.length === 0) throw new UsageError(`give at least one --host: weft secrets hosts ${name} --host api.example.com`);
      const res = await io.api().request<{ hosts: string[] | null }>('PUT', `/api/secrets/${encodeURIComponent(name)}`, { hosts });
      io.out(`${name} may be sent to ${describeHosts(res.hosts)}`);
      return 0;
    }
    case 'list': {
      if (positionals.length || hosts.length) throw new UsageError('usage: weft secrets list');
      const items = await io.api().listAll<SecretItem>('/api/secrets?limit=500');
      const width = Math.max(4, ...items.map((i) => i.name.length));
      io.out(`${'NAME'.padEnd(width)}  HOSTS`);
      for (const i of items) io.out(`${i.name.padEnd(width)}  ${i.hosts === null ? '(none: sent nowhere until bound with weft secrets hosts)' : i.hosts.join(', ')}`);
      return 0;
    }
    default:
      throw new UsageError('usage: weft secrets set|hosts|list … (or weft secrets rotate, on the server)');
  }
}

function oneName(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`usage: weft ${usage}`);
  return positionals[0]!;
}

function describeHosts(hosts: string[] | null): string {
  return hosts === null || hosts.length === 0 ? 'no host yet (bind it with weft secrets hosts)' : hosts.join(', ');
}
