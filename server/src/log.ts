/** Start-up and shutdown messages for people at a terminal, on stderr (stdout stays for results). */
export const log = {
  info: (msg: string) => process.stderr.write(`weft: ${msg}\n`),
  warn: (msg: string) => process.stderr.write(`weft: warning: ${msg}\n`),
  error: (msg: string) => process.stderr.write(`weft: error: ${msg}\n`),
};
