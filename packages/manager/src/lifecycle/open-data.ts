// Opening an existing data directory (start, --force-new-cluster): the node's TLS identity and
// its Raft database, unsealed first when the manager is autolocked.

import { readTlsFiles, type TlsFiles } from '@shoal/identity';
import { LevelStorage } from '@shoal/raft/level';
import { isRaftError } from '@shoal/raft';
import type { Logger } from 'pino';
import { DataKey, decryptNodeKey, isEncryptedKeyPem, waitForUnlock } from '../autolock.js';
import { dataPaths, type NodeConfig } from '../data-dir.js';
import { ManagerError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { StartOptions } from './options.js';

export interface OpenedData {
  readonly tls: TlsFiles;
  readonly storage: LevelStorage;
  readonly dataKey?: DataKey;
  readonly logger: Logger;
}

/**
 * The node's TLS identity and Raft database. An autolocked manager (its node key is
 * encrypted) first needs the unlock key: o.unlockKey (--unlock-key-file), or else the one sent
 * to DIR/unlock.sock (`shoal manager unlock`); until then it serves nothing.
 */
export async function openData(o: StartOptions, cfg: NodeConfig): Promise<OpenedData> {
  const logger = o.logger ?? createLogger({ nodeId: cfg.nodeId });
  const paths = dataPaths(o.data);
  const files = readTlsFiles(paths.tls);
  if (!isEncryptedKeyPem(files.keyPem)) {
    if (o.unlockKey !== undefined)
      throw new ManagerError('INVALID_ARGUMENT', `${o.data} is not autolocked (its node key is not encrypted): start it without --unlock-key-file`);
    return { tls: files, storage: await LevelStorage.open(paths.raft), logger };
  }
  const open = async (key: string): Promise<{ tls: TlsFiles; storage: LevelStorage; dataKey: DataKey; logger: Logger }> => {
    const dataKey = DataKey.opening(key);
    const storage = await LevelStorage.open(paths.raft, { cipher: dataKey });
    try {
      return { tls: { ...files, keyPem: decryptNodeKey(files.keyPem, dataKey, `${paths.tls}/node-key.pem`) }, storage, dataKey, logger };
    } catch (e) {
      await storage.close();
      throw e;
    }
  };
  if (o.unlockKey !== undefined) return open(o.unlockKey);
  // Before waiting: a database in use by another process, or not encrypted, is said now.
  const probe = await LevelStorage.open(paths.raft).catch((e: unknown) => e);
  if (probe instanceof LevelStorage) {
    await probe.close();
    throw new ManagerError(
      'FAILED_PRECONDITION',
      `${paths.tls}/node-key.pem is encrypted but the Raft database in ${paths.raft} is not: the data directory is inconsistent; restore it from a backup, or remove it and join the manager again`,
    );
  }
  if (!isRaftError(probe, 'LOCKED')) throw probe;
  return waitForUnlock({ dataDir: o.data, logger, attempt: open });
}
