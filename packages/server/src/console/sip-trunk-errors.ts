import type { Language } from '@openccc/protocol';
import type { TrunkError } from '../sip/trunks.js';

/**
 * Chinese for the trunk checks' messages. `SipTrunks` speaks English (the CLI's language); the
 * console answers in the language it asked for, so each message the checks can give is matched
 * here and said again in Chinese with the same details (the value refused, the limits).
 */

/** The settings of a trunk as the console's form names them. */
export const TRUNK_FIELD_LABELS_ZH: Readonly<Record<string, string>> = {
  name: '名称',
  kind: '类型',
  allow: '允许的来源地址',
  outbound: '外呼',
  'outbound.host': '外呼地址',
  'outbound.port': '外呼端口',
  'outbound.transport': '传输协议',
  register: '注册',
  'register.registrar': '注册服务器',
  'register.username': '用户名',
  'register.password': '密码',
  'register.realm': '认证域',
  'register.expires': '注册有效期',
  callerIdNumbers: '主叫号码',
  dialPlan: '拨号计划',
  'dialPlan.allow': '允许拨打的前缀',
  'dialPlan.deny': '禁止拨打的前缀',
  maxConcurrentCalls: '最大并发呼叫数',
  enabled: '启用',
};

type Rule = { pattern: RegExp; zh: (match: RegExpExecArray, label: string) => string };

const RULES: readonly Rule[] = [
  { pattern: /^name must be 1 to (\d+) characters\.$/, zh: (m) => `名称须为 1 到 ${m[1]} 个字符。` },
  { pattern: /^kind must be ip .*, not "(.*)"\.$/, zh: (m) => `类型须为 ip（按来源地址信任）或 register（向运营商注册），而不是“${m[1]}”。` },
  { pattern: /^\S+ holds at most (\d+) entries, not (\d+)\.$/, zh: (m, label) => `${label}最多 ${m[1]} 项，而不是 ${m[2]} 项。` },
  { pattern: /^\S+ must be a host name or an IP address, .*not "(.*)"\.$/, zh: (m, label) => `${label}须为主机名或 IP 地址，例如 sip.carrier.example 或 192.0.2.10，而不是“${m[1]}”。` },
  { pattern: /^\S+ must be a port from 1 to 65535, not (.*)\.$/, zh: (m, label) => `${label}须为 1 到 65535 之间的端口，而不是 ${m[1]}。` },
  { pattern: /^\S+ must be host or host:port, .*not "(.*)"\.$/, zh: (m, label) => `${label}须为“主机”或“主机:端口”，例如 sip.carrier.example:5060，而不是“${m[1]}”。` },
  { pattern: /^\S+ must be 1 to (\d+) characters without spaces or control characters/, zh: (m, label) => `${label}须为 1 到 ${m[1]} 个字符，不含空格和控制字符。` },
  { pattern: /^\S+ takes number prefixes such as .*not "(.*)"\.$/, zh: (m, label) => `${label}只能填写号码前缀，例如 86、0086 或 +1（留空表示所有号码），而不是“${m[1]}”。` },
  { pattern: /^allow takes IP addresses or CIDRs .*not "(.*)"\.$/, zh: (m) => `允许的来源地址须为 IP 地址或 CIDR，例如 192.0.2.0/24 或 2001:db8::/32，而不是“${m[1]}”。` },
  { pattern: /^(\S+) is too wide: .*at least \/(\d+)\)\.$/, zh: (m) => `${m[1]} 范围过大，会信任互联网的很大一部分；请填写运营商的地址（前缀至少 /${m[2]}）。` },
  { pattern: /^An ip trunk needs the addresses its calls come from/, zh: () => 'IP 中继需要填写呼入来源地址，例如 192.0.2.10 或 192.0.2.0/24。' },
  { pattern: /^A register trunk needs its registrar, username and password\.$/, zh: () => '注册中继需要填写注册服务器、用户名和密码。' },
  { pattern: /^An ip trunk does not register;/, zh: () => 'IP 中继不向运营商注册；请去掉注册信息，或把类型改为注册中继。' },
  { pattern: /^A new registration needs its registrar, username and password\.$/, zh: () => '新的注册需要填写注册服务器、用户名和密码。' },
  { pattern: /^register\.expires must be (\d+) to (\d+) seconds, not (.*)\.$/, zh: (m) => `注册有效期须为 ${m[1]} 到 ${m[2]} 秒，而不是 ${m[3]}。` },
  { pattern: /^register\.realm is longer than (\d+) characters\.$/, zh: (m) => `认证域不能超过 ${m[1]} 个字符。` },
  { pattern: /^outbound\.transport must be udp or tcp, not "(.*)"\.$/, zh: (m) => `传输协议须为 udp 或 tcp，而不是“${m[1]}”。` },
  { pattern: /^(\S+) is not a number of instance (\d+);/, zh: (m) => `${m[1]} 不是实例 ${m[2]} 的号码；中继只能显示本实例自己的号码。` },
  { pattern: /^maxConcurrentCalls must be 1 to (\d+), not (.*)\.$/, zh: (m) => `最大并发呼叫数须为 1 到 ${m[1]}，而不是 ${m[2]}。` },
  { pattern: /^Instance (\d+) has no trunk (\d+)/, zh: (m) => `实例 ${m[1]} 中没有中继 ${m[2]}。` },
  { pattern: /^Instance (\d+) already has a trunk named "(.*)"\.$/, zh: (m) => `实例 ${m[1]} 中已有名为“${m[2]}”的中继。` },
];

/** The Chinese of a trunk check's message, or null when no rule knows it. */
export function trunkErrorZh(error: TrunkError): string | null {
  const label = (error.field && TRUNK_FIELD_LABELS_ZH[error.field]) || '中继';
  for (const rule of RULES) {
    const match = rule.pattern.exec(error.message);
    if (match) return rule.zh(match, label);
  }
  return null;
}

/** A trunk check's message in the language asked for; an unknown one is given in English after its field's name. */
export function trunkErrorMessage(error: TrunkError, lang: Language): string {
  if (lang === 'en-US') return error.message;
  const zh = trunkErrorZh(error);
  if (zh !== null) return zh;
  const label = error.field ? TRUNK_FIELD_LABELS_ZH[error.field] : undefined;
  return label ? `${label}：${error.message}` : error.message;
}
