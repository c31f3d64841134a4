// Entry point `@shoal/raft/level`: the Raft database on LevelDB.
//
// Kept apart from the root entry because it needs the `level` package and the file system;
// the core and MemoryStorage (`@shoal/raft`) load in any JavaScript runtime without them.
export { LevelStorage, type LevelStorageOptions, type PayloadCipher } from './level-storage.js';
