/** Tests start media workers from the TypeScript sources; see `worker-spawn.ts`. */
export { spawnSourceWorker } from '../worker-spawn.js';
