export { startServer, type RunningServer, type StartOptions } from './server.js';
export { resolveServerConfig, type ServerConfig } from './config/config.js';
export { openDataFolder, type DataFolder } from './data-folder.js';
export { initialize, createApiKey, createInstance, type FirstRun } from './bootstrap.js';
export { createLogger } from './log.js';
export type { Store } from './store/ports.js';
