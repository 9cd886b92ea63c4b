import type { ConsoleApi } from '../../api.js';

/** What the SIP pages read from the console API (packages/server/src/console/sip-routes.ts). */

/** Whether SIP runs, and what phones are configured with. */
export interface SipStatus {
  enabled: boolean;
  /** The instance's SIP domain and digest realm, `<SdkAppId>.<--sip-domain>`. */
  domain: string;
  /** `host:port` of OpenCCC's SIP listener. */
  outboundProxy: string;
  transport: 'udp';
  trunkDefaults: { port: number; transport: TrunkTransport; expires: number; maxConcurrentCalls: number; dialPlan: DialPlan };
}

export type TrunkKind = 'ip' | 'register';
export type TrunkTransport = 'udp' | 'tcp';
export type RegistrationState = 'registering' | 'registered' | 'failed' | 'unregistered' | 'disabled';

export interface DialPlan {
  allow: string[];
  deny: string[];
}

/** A trunk as the server shows it: the registration password only as whether one is set. */
export interface Trunk {
  id: number;
  name: string;
  kind: TrunkKind;
  allow: string[];
  outbound: { host: string; port: number; transport: TrunkTransport } | null;
  register: { registrar: string; username: string; realm: string | null; expires: number; passwordSet: boolean } | null;
  callerIdNumbers: string[];
  dialPlan: DialPlan;
  maxConcurrentCalls: number;
  enabled: boolean;
  /** A register trunk's registration while SIP runs; null otherwise. */
  registration: { state: RegistrationState; until: number | null; reason: string | null } | null;
}

export const trunkPath = (id: number) => `/sip/trunks/${id}`;

export function loadSipStatus(api: ConsoleApi): Promise<SipStatus> {
  return api.get<SipStatus>('/sip');
}

export async function loadTrunks(api: ConsoleApi): Promise<Trunk[]> {
  return (await api.get<{ trunks: Trunk[] }>('/sip/trunks')).trunks;
}

/** Adds a trunk, or with `id` replaces the settings the body names. */
export function saveTrunk(api: ConsoleApi, body: Record<string, unknown>, id: number | null): Promise<Trunk> {
  return id === null ? api.post<Trunk>('/sip/trunks', body) : api.put<Trunk>(trunkPath(id), body);
}

export function setTrunkEnabled(api: ConsoleApi, id: number, enabled: boolean): Promise<Trunk> {
  return api.put<Trunk>(`${trunkPath(id)}/state`, { enabled });
}

export async function removeTrunk(api: ConsoleApi, id: number): Promise<void> {
  await api.del(trunkPath(id));
}
