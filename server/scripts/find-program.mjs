// What the install scripts share: where a program is, without anything built yet.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `p` is a file this user may run. */
export const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first `name` on PATH that may be run, or undefined. */
export const onPath = (name) => (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name)).find(executable);

/** Go: on PATH, or where its installer puts it. */
export const findGo = () => onPath('go') ?? (executable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
