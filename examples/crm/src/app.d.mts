// Declarations of app.mjs for TypeScript callers (the end-to-end test).

export interface OpenCccConfig {
  url: string;
  sdkAppId: number;
  secretId: string;
  secretKey: string;
}

export interface CrmOptions {
  openccc: OpenCccConfig;
  port?: number;
  host?: string;
  dataDir: string;
  skillGroupName?: string;
  seed?: boolean;
  log?: (line: string) => void;
}

export interface CrmData {
  users: Array<{ id: string; mail: string; name: string; staffNumber: string; passwordHash: string }>;
  customers: Array<{ id: string; name: string; company: string; phone: string; level: string }>;
  notes: Array<{ sessionId: string; customerId: string; author: string; text: string; createdAt: number }>;
  syncedStaff: string[];
}

export interface RunningCrm {
  /** The page's address; its origin must be allowed to embed the workbench. */
  url: string;
  port: number;
  store: { data: CrmData; save(): void };
  close(): Promise<void>;
}

/** Starts the CRM: loads (or seeds) its data, syncs its agents to OpenCCC, and serves the page and its API. */
export function startCrm(options: CrmOptions): Promise<RunningCrm>;
