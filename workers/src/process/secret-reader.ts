import { NodeError, type SecretReader } from '@weft/nodes/executors';
import type { Db } from '@weft/store';
import { getSecret } from '@weft/store/repositories/secret.repository';
import { SecretDecryptError, type SecretKey } from '@weft/store';

/**
 * What the worker reads secrets through: value and hosts, decrypted on each read, so a new value
 * or binding applies to the next request. A secret that does not decrypt fails the node for
 * good: a retry cannot fix a key.
 */
export function createSecretReader(db: Db, key: SecretKey | undefined): SecretReader {
  return {
    async get(name) {
      if (!key) throw new NodeError('NotConfigured', 'secrets are not configured on this worker: set WEFT_SECRET_KEY', false);
      try {
        return await getSecret(db, key, name);
      } catch (e) {
        if (e instanceof SecretDecryptError) throw new NodeError('SecretUnreadable', e.message, false);
        throw e;
      }
    },
  };
}
