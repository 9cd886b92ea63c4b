import type { SipService } from '../../../packages/server/src/sip/gateway/sip-service.js';
import { SipTrunks, type TrunkInput } from '../../../packages/server/src/sip/trunks.js';
import { callCenter, type CallCenter } from '../../calls/support.js';

/** A call center with SIP on (on loopback, a free port) and the trunks given, as an operator would add them. */
export interface SipCenter extends CallCenter {
  sip: SipService;
  /** The SIP listener's `host:port` (UDP and TCP share it). */
  sipTarget: string;
  sipPort: number;
  trunks: SipTrunks;
  addTrunk(input: Partial<TrunkInput> & Pick<TrunkInput, 'name'>): Promise<number>;
}

export async function sipCenter(options: { flags?: Record<string, string>; virtualNoAnswerMs?: number } = {}): Promise<SipCenter> {
  const center = await callCenter({ ...options, flags: { sip: 'on', 'sip-address': '127.0.0.1', 'sip-port': '0', 'sip-domain': 'sip.test', ...options.flags } });
  const sip = center.server.server.sip;
  if (!sip) throw new Error('SIP did not start');
  const port = sip.transport.local('udp').port;
  const trunks = new SipTrunks({ store: center.server.folder.store, box: center.server.folder.box });
  return {
    ...center,
    sip,
    sipPort: port,
    sipTarget: `127.0.0.1:${port}`,
    trunks,
    async addTrunk(input) {
      const trunk = await trunks.add(center.sdkAppId, { kind: 'ip', allow: ['127.0.0.1/32'], ...input });
      sip.directory.invalidate();
      return trunk.id;
    },
  };
}
