/** The gateway's directory read from OpenCCC's store: enabled trunks, extensions and their bindings to staff. */
import type { SecretBox } from '../../auth/secret-box.js';
import { parseInstanceNumber } from '../../numbers/number-format.js';
import type { Store } from '../../store/ports.js';
import { instanceOfSipDomain, instanceSipDomain } from '../extensions.js';
import { trunkSecretContext } from '../trunks.js';
import type { GatewayExtension, SipDirectorySource } from './directory.js';

export function storeDirectorySource(store: Pick<Store, 'sipTrunks' | 'sipExtensions' | 'staff' | 'numbers'>, box: SecretBox, domain: string): SipDirectorySource {
  const extension = async (sdkAppId: number, extensionId: string): Promise<GatewayExtension | null> => {
    const row = await store.sipExtensions.get(sdkAppId, extensionId);
    return row ? { sdkAppId, extensionId: row.extensionId, ha1: row.ha1, relation: row.relation?.mail ?? null } : null;
  };
  return {
    async trunks() {
      const rows = await store.sipTrunks.listEnabled();
      return rows.map((t) => ({
        id: t.id,
        sdkAppId: t.sdkAppId,
        name: t.name,
        kind: t.kind,
        allow: t.allow,
        outbound: t.outbound,
        register: t.register && {
          registrar: t.register.registrar,
          username: t.register.username,
          password: box.open(t.register.passwordSealed, trunkSecretContext(t.sdkAppId, t.register.username, t.register.registrar)),
          ...(t.register.realm ? { realm: t.register.realm } : {}),
          expires: t.register.expires,
        },
        callerIdNumbers: t.callerIdNumbers,
        dialPlan: t.dialPlan,
        maxConcurrentCalls: t.maxConcurrentCalls,
      }));
    },
    extension,
    async extensionOfStaff(sdkAppId, mail) {
      const staff = await store.staff.get(sdkAppId, mail);
      if (!staff?.extensionNumber) return null;
      const found = await extension(sdkAppId, staff.extensionNumber);
      // The binding holds both ways: an extension bound to someone else does not ring for this agent.
      return found && found.relation?.toLowerCase() === mail.toLowerCase() ? found : null;
    },
    async numberOwner(dialled) {
      const parsed = parseInstanceNumber(dialled);
      return parsed.ok ? ((await store.numbers.find(parsed.number))?.sdkAppId ?? null) : null;
    },
    realmOf: (sdkAppId) => instanceSipDomain(sdkAppId, domain),
    instanceOfDomain: (host) => instanceOfSipDomain(host, domain),
  };
}
