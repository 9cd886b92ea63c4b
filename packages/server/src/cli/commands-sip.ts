import { parseArgs } from 'node:util';
import { SipTrunks, TrunkError, trunkView, type TrunkChange, type TrunkInput, type TrunkView } from '../sip/trunks.js';
import type { SipExtension, SipTrunk } from '../store/ports.js';
import { openFromFlags, pickInstance } from './context.js';
import { CliError } from './output.js';

/** `openccc sip`'s own options: trunk settings do not belong to the other commands. */
const OPTIONS = {
  name: { type: 'string' },
  kind: { type: 'string' },
  allow: { type: 'string' },
  outbound: { type: 'string' },
  transport: { type: 'string' },
  registrar: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  realm: { type: 'string' },
  expires: { type: 'string' },
  'caller-ids': { type: 'string' },
  'dial-allow': { type: 'string' },
  'dial-deny': { type: 'string' },
  'max-calls': { type: 'string' },
  instance: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type SipFlags = ReturnType<typeof parseSipArgs>['flags'];

export const SIP_USAGE = `Usage: openccc sip trunk add --name N --kind ip --allow CIDRS [trunk options]
       openccc sip trunk add --name N --kind register --registrar HOST[:PORT] --username U --password P [trunk options]
       openccc sip trunk list
       openccc sip trunk show|remove|enable|disable <id>
       openccc sip trunk update <id> [trunk options]
       openccc sip extension list

SIP carrier trunks and desk-phone extensions of an instance. The SIP listener itself is
turned on with openccc start --sip on (see openccc start --help).

Trunk options:
  --name N               the trunk's name, unique in the instance
  --kind ip|register     ip: trusted by source address; register: registers with the carrier
  --allow CIDRS          comma-separated addresses or CIDRs an ip trunk's calls come from
  --outbound HOST[:PORT] where calls out go (none: the trunk only takes calls in;
                         default for a register trunk: its registrar)
  --transport udp|tcp    of calls out (default udp)
  --registrar HOST[:PORT], --username U, --password P, --realm R
                         a register trunk's account with the carrier (--password -:
                         read it from standard input, out of the process list and history)
  --expires S            registration lifetime, 60-86400 (default 3600)
  --caller-ids NUMBERS   instance numbers calls out may show (none: any of the instance's)
  --dial-allow PREFIXES  number prefixes calls out may reach (default 86; any: every number)
  --dial-deny PREFIXES   prefixes refused even when allowed (default 979,870,881,882,883; none)
  --max-calls N          concurrent calls through the trunk (default 30)

Options:
  --instance ID          SdkAppId to act on (default: the first instance)
  --data DIR             data folder (default: OPENCCC_DATA_DIR, else ./data)
  --json                 print JSON, for scripts
  --help, -h             print this help

update changes only the options given; the password is kept unless --password is given.
Extensions are managed over the Cloud API (CreateExtension…) or the console; list shows them.
See docs/cli.md for everything.`;

function parseSipArgs(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { flags: values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${SIP_USAGE}`);
  }
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'none') return [];
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new CliError(`--${flag} takes a whole number, not "${text}".`);
  return Number(text);
}

function trunkId(text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,15}$/.test(text)) throw new CliError(`Give the trunk's id (a positive integer, from \`openccc sip trunk list\`)${text === undefined ? '' : `, not "${text}"`}.`);
  return Number(text);
}

function transportOf(text: string | undefined): 'udp' | 'tcp' | undefined {
  if (text === undefined || text === 'udp' || text === 'tcp') return text;
  throw new CliError(`--transport takes udp or tcp, not "${text}".`);
}

function kindOf(text: string | undefined): 'ip' | 'register' | undefined {
  if (text === undefined || text === 'ip' || text === 'register') return text;
  throw new CliError(`--kind takes ip or register, not "${text}".`);
}

/** `HOST[:PORT]` or `none`; `[v6]:PORT` for IPv6. */
function outboundOf(text: string | undefined, transport: 'udp' | 'tcp' | undefined): TrunkInput['outbound'] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'none') return null;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw new CliError(`--outbound takes HOST[:PORT] or none, not "${text}".`);
  return { host: match[1] ?? '', ...(match[2] === undefined ? {} : { port: Number(match[2]) }), ...(transport === undefined ? {} : { transport }) };
}

/** `any` is the empty prefix, which matches every number. */
function prefixes(text: string | undefined): string[] | undefined {
  if (text?.trim() === 'any') return [''];
  return list(text);
}

function dialPlanOf(flags: SipFlags): TrunkInput['dialPlan'] | undefined {
  const allow = prefixes(flags['dial-allow']);
  const deny = prefixes(flags['dial-deny']);
  if (allow === undefined && deny === undefined) return undefined;
  return { ...(allow === undefined ? {} : { allow }), ...(deny === undefined ? {} : { deny }) };
}

function registerOf(flags: SipFlags): NonNullable<TrunkChange['register']> | undefined {
  const expires = integer('expires', flags.expires);
  const { registrar, username, password, realm } = flags;
  if ([registrar, username, password, realm, expires].every((value) => value === undefined)) return undefined;
  return {
    ...(registrar === undefined ? {} : { registrar }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(realm === undefined ? {} : { realm }),
    ...(expires === undefined ? {} : { expires }),
  };
}

function addInput(flags: SipFlags): TrunkInput {
  if (flags.name === undefined) throw new CliError('Give the new trunk a --name.');
  const kind = kindOf(flags.kind);
  if (kind === undefined) throw new CliError('Give the trunk\'s --kind: ip (trusted by source address) or register (registers with the carrier).');
  const transport = transportOf(flags.transport);
  const registration = registerOf(flags);
  let register: TrunkInput['register'] = null;
  if (registration !== undefined) {
    const { registrar, username, password } = registration;
    if (registrar === undefined || username === undefined || password === undefined) throw new CliError('A registration needs --registrar, --username and --password.');
    register = { ...registration, registrar, username, password };
  }
  let outbound = outboundOf(flags.outbound, transport);
  // A register trunk sends its calls where it registers unless told otherwise.
  if (outbound === undefined && register !== null) outbound = outboundOf(register.registrar, transport);
  if (outbound === undefined && transport !== undefined) throw new CliError('--transport applies to calls out: give --outbound HOST[:PORT] too.');
  const input: TrunkInput = { name: flags.name, kind, register };
  const allow = list(flags.allow);
  const callerIdNumbers = list(flags['caller-ids']);
  const dialPlan = dialPlanOf(flags);
  const maxConcurrentCalls = integer('max-calls', flags['max-calls']);
  return {
    ...input,
    ...(allow === undefined ? {} : { allow }),
    ...(outbound === undefined ? {} : { outbound }),
    ...(callerIdNumbers === undefined ? {} : { callerIdNumbers }),
    ...(dialPlan === undefined ? {} : { dialPlan }),
    ...(maxConcurrentCalls === undefined ? {} : { maxConcurrentCalls }),
  };
}

function changeOf(flags: SipFlags, current: SipTrunk): TrunkChange {
  const transport = transportOf(flags.transport);
  let outbound = outboundOf(flags.outbound, transport);
  // --transport alone changes the transport of the current target.
  if (outbound === undefined && transport !== undefined) {
    if (!current.outbound) throw new CliError('The trunk sends no calls out; give --outbound HOST[:PORT] with --transport.');
    outbound = { ...current.outbound, transport };
  }
  const kind = kindOf(flags.kind);
  const register = registerOf(flags);
  const allow = list(flags.allow);
  const callerIdNumbers = list(flags['caller-ids']);
  const dialPlan = dialPlanOf(flags);
  const maxConcurrentCalls = integer('max-calls', flags['max-calls']);
  return {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(kind === undefined ? {} : { kind }),
    // Turning a register trunk into an ip one drops its registration.
    ...(register === undefined ? (kind === 'ip' ? { register: null } : {}) : { register }),
    ...(allow === undefined ? {} : { allow }),
    ...(outbound === undefined ? {} : { outbound }),
    ...(callerIdNumbers === undefined ? {} : { callerIdNumbers }),
    ...(dialPlan === undefined ? {} : { dialPlan }),
    ...(maxConcurrentCalls === undefined ? {} : { maxConcurrentCalls }),
  };
}

function describeTrunk(view: TrunkView): string {
  const outbound = view.outbound ? `${view.outbound.host}:${view.outbound.port}/${view.outbound.transport}` : 'none (calls in only)';
  const lines = [
    `Trunk ${view.id} "${view.name}" (instance ${view.sdkAppId}): ${view.kind}, ${view.enabled ? 'enabled' : 'disabled'}`,
    ...(view.kind === 'ip' ? [`  allow:       ${view.allow.join(', ')}`] : []),
    ...(view.register ? [`  registrar:   ${view.register.username}@${view.register.registrar} every ${view.register.expires} s${view.register.realm ? `, realm ${view.register.realm}` : ''} (password set)`] : []),
    `  outbound:    ${outbound}`,
    `  caller ids:  ${view.callerIdNumbers.join(', ') || 'any of the instance\'s numbers'}`,
    `  dial allow:  ${view.dialPlan.allow.map((p) => p || 'any').join(', ') || 'nothing'}`,
    `  dial deny:   ${view.dialPlan.deny.join(', ') || 'nothing'}`,
    `  max calls:   ${view.maxConcurrentCalls}`,
  ];
  return `${lines.join('\n')}\n`;
}

function extensionRow(e: SipExtension): Record<string, string> {
  return { extension: e.extensionId, name: e.name, staff: e.relation?.mail ?? '-', skillGroups: e.skillGroupIds.join(',') || '-' };
}

function table(rows: Array<Record<string, string>>): string {
  const first = rows[0];
  if (!first) return '(none)\n';
  const columns = Object.keys(first);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[line(columns), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n')}\n`;
}

export interface SipCommandIo {
  write(text: string): void;
  /** Standard input, read to its end (for `--password -`). */
  readInput(): Promise<string>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const STDIO: SipCommandIo = { write: (text) => process.stdout.write(text), readInput: readStdin };

/** `--password -` reads the password from standard input: its first line, without the line break. */
async function withPassword(flags: SipFlags, io: SipCommandIo): Promise<SipFlags> {
  if (flags.password !== '-') return flags;
  const password = (await io.readInput()).split(/\r?\n/)[0] ?? '';
  if (password === '') throw new CliError('--password - reads the password from standard input, which gave none.');
  return { ...flags, password };
}

/** `openccc sip trunk …|extension list`: an instance's carrier trunks and its extensions. */
export async function sipCommand(argv: string[], env: NodeJS.ProcessEnv, io: SipCommandIo = STDIO): Promise<void> {
  const parsed = parseSipArgs(argv);
  const positionals = parsed.positionals;
  let flags = parsed.flags;
  const [area, sub, target, ...extra] = positionals;
  if (flags.help || area === undefined) {
    io.write(`${SIP_USAGE}\n`);
    return;
  }
  if (extra.length > 0) throw new CliError(`Unexpected ${extra.map((e) => `"${e}"`).join(' ')}.\n\n${SIP_USAGE}`);
  const isTrunk = area === 'trunk' && ['add', 'list', 'show', 'update', 'remove', 'enable', 'disable'].includes(sub ?? '');
  const isExtension = area === 'extension' && sub === 'list';
  if (!isTrunk && !isExtension) throw new CliError(SIP_USAGE);
  const print = (value: unknown) => io.write(`${JSON.stringify(value, null, 2)}\n`);
  flags = await withPassword(flags, io);
  const folder = openFromFlags(flags, env);
  try {
    const { sdkAppId } = await pickInstance(folder, flags.instance);
    if (isExtension) {
      const { items } = await folder.store.sipExtensions.list(sdkAppId, { limit: 1_000_000, offset: 0 });
      if (flags.json) print({ sdkAppId, extensions: items.map((e) => ({ extensionId: e.extensionId, name: e.name, relation: e.relation?.mail ?? null, skillGroupIds: e.skillGroupIds })) });
      else io.write(table(items.map(extensionRow)));
      return;
    }
    const trunks = new SipTrunks({ store: folder.store, box: folder.box });
    if (sub === 'list') {
      const views = (await trunks.list(sdkAppId)).map(trunkView);
      if (flags.json) print({ sdkAppId, trunks: views });
      else {
        io.write(
          table(
            views.map((t) => ({
              id: String(t.id),
              name: t.name,
              kind: t.kind,
              state: t.enabled ? 'enabled' : 'disabled',
              outbound: t.outbound ? `${t.outbound.host}:${t.outbound.port}/${t.outbound.transport}` : '-',
              maxCalls: String(t.maxConcurrentCalls),
            })),
          ),
        );
      }
      return;
    }
    if (sub === 'add') {
      const trunk = trunkView(await trunks.add(sdkAppId, addInput(flags)));
      if (flags.json) print(trunk);
      else io.write(describeTrunk(trunk));
      return;
    }
    const id = trunkId(target);
    if (sub === 'remove') {
      await trunks.remove(sdkAppId, id);
      if (flags.json) print({ sdkAppId, id, result: 'removed' });
      else io.write(`Trunk ${id} removed from instance ${sdkAppId}.\n`);
      return;
    }
    let trunk: SipTrunk;
    if (sub === 'show') trunk = await trunks.require(sdkAppId, id);
    else if (sub === 'enable' || sub === 'disable') trunk = await trunks.update(sdkAppId, id, { enabled: sub === 'enable' });
    else trunk = await trunks.update(sdkAppId, id, changeOf(flags, await trunks.require(sdkAppId, id)));
    if (flags.json) print(trunkView(trunk));
    else io.write(describeTrunk(trunkView(trunk)));
  } catch (error) {
    if (error instanceof TrunkError) throw new CliError(error.field ? `${error.message} (${error.field})` : error.message);
    throw error;
  } finally {
    await folder.store.close();
  }
}
