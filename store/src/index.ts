export { openDatabase, migrate, type Db, type OpenDatabase, type DatabaseTarget } from './database.js';
export type * from './tables/index.js';
export { createRunStore } from './run-store.js';
export type * from './run-store.js';
export type { AgentStepWrite, ChildRun, TriggeredRun, TriggeredRunRequest } from '@weft/schemas';
export { preparePrivateDir, restrictToOwner, withPrivateUmask } from './data-dir.js';
export {
  decryptSecret,
  encryptSecret,
  formatSecretKey,
  generateSecretKey,
  parseSecretKey,
  SecretDecryptError,
  secretKeyId,
  storedKeyId,
  type SecretKey,
} from './secret-crypto.js';
