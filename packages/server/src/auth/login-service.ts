import type { LoginSuccess, PasswordLoginRequest, StaffProfile, TokenLoginRequest } from '@openccc/protocol';
import { SdkError } from './sdk-error.js';
import type { OriginPolicy } from '../staff/origins.js';
import type { Credential, Staff, Store } from '../store/ports.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { RateLimiter } from './rate-limiter.js';
import { hashSecret, newHexSecret } from './secrets.js';

export function profileOf(staff: Staff): StaffProfile {
  return { sdkAppId: staff.sdkAppId, mail: staff.mail, name: staff.name, nick: staff.nick, staffNumber: staff.staffNumber, role: staff.role };
}

export interface LoginServiceOptions {
  ticketTtlSeconds: number;
  /** Per client address and per account, for password logins. */
  passwordLimiter: RateLimiter;
  clock: () => number;
  /** Called after a login: the newest login of a staff takes over (see docs/sdk.md). */
  onLogin: (sdkAppId: number, mail: string, ticketHash: string) => void;
}

/** Login tickets: what an SDK token or a password is exchanged for, and what the realtime connection presents. */
export class LoginService {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly store: Store,
    private readonly origins: OriginPolicy,
    private readonly options: LoginServiceOptions,
  ) {}

  /** Token → ticket. Checks the token exists, matches instance and user, is unexpired and (OnlyOnce) unused. */
  async exchangeToken(req: TokenLoginRequest): Promise<LoginSuccess> {
    if (!(await this.store.instances.get(req.sdkAppId))) throw new SdkError('tokenInvalid', `No instance has SdkAppId ${req.sdkAppId}.`);
    if (!(await this.origins.isAllowed(req.sdkAppId, req.parentOrigin))) {
      throw new SdkError('originNotAllowed', `The page origin ${req.parentOrigin} may not embed the workbench of SdkAppId ${req.sdkAppId}; add it with \`openccc origins add ${req.parentOrigin}\`.`);
    }
    const hash = hashSecret(req.token);
    const token = await this.store.credentials.find('sdk-token', hash);
    if (!token) throw new SdkError('tokenInvalid', 'The SDK login token is not valid; mint one with CreateSDKLoginToken.');
    if (token.sdkAppId !== req.sdkAppId || token.mail.toLowerCase() !== req.userId.toLowerCase()) {
      throw new SdkError('tokenMismatch', 'The SDK login token was minted for another user or instance than data-userid / data-sdk-app-id name.');
    }
    const now = this.options.clock();
    if (token.expiresAt <= now) throw new SdkError('tokenExpired', 'The SDK login token has expired; mint a new one and load the SDK again.');
    if (token.onlyOnce) {
      const redeemed = await this.store.credentials.redeem('sdk-token', hash, now);
      if (!redeemed?.firstUse) throw new SdkError('tokenUsed', 'This one-time SDK login token was already used; mint a new one.');
    }
    return this.issueTicket(await this.requireLoginable(token.sdkAppId, token.mail));
  }

  /** Mail + password → ticket, for the standalone workbench. Failures say only that the credentials are wrong. */
  async passwordLogin(req: PasswordLoginRequest, clientAddress: string): Promise<LoginSuccess> {
    const { passwordLimiter } = this.options;
    if (!passwordLimiter.take(`ip:${clientAddress}`) || !passwordLimiter.take(`mail:${req.mail.toLowerCase()}`)) {
      throw new SdkError('rateLimited', 'Too many login attempts; wait a minute and try again.');
    }
    const instances = req.sdkAppId !== undefined ? [req.sdkAppId] : (await this.store.instances.list()).map((i) => i.sdkAppId);
    const candidates: Staff[] = [];
    for (const sdkAppId of instances) {
      const staff = await this.store.staff.get(sdkAppId, req.mail);
      if (staff) candidates.push(staff);
    }
    if (candidates.length === 0) {
      // Spend the same time as a real check so timing does not reveal which accounts exist.
      this.dummyHash ??= hashPassword('not-a-password');
      await verifyPassword(req.password, await this.dummyHash);
      throw new SdkError('badCredentials', 'Wrong email or password.');
    }
    const matches: Staff[] = [];
    for (const staff of candidates) if (await verifyPassword(req.password, staff.passwordHash)) matches.push(staff);
    if (matches.length === 0) throw new SdkError('badCredentials', 'Wrong email or password.');
    if (matches.length > 1) throw new SdkError('invalidArgument', 'This account exists in several instances; enter the SdkAppId too.');
    return this.issueTicket(await this.requireLoginable(matches[0]!.sdkAppId, matches[0]!.mail));
  }

  /** The staff a ticket belongs to; throws ticketInvalid / accountForcedOffline. */
  async verifyTicket(ticket: string): Promise<{ credential: Credential; staff: Staff }> {
    const credential = /^[0-9a-f]{64}$/.test(ticket) ? await this.store.credentials.find('login-ticket', hashSecret(ticket)) : undefined;
    if (!credential || credential.expiresAt <= this.options.clock()) {
      throw new SdkError('ticketInvalid', 'The login has ended (expired, signed out, or replaced by a newer login); sign in again.');
    }
    return { credential, staff: await this.requireLoginable(credential.sdkAppId, credential.mail) };
  }

  /** Keeps a ticket alive while its workbench is connected. */
  async extend(ticketHash: string): Promise<number> {
    const expiresAt = this.options.clock() + this.options.ticketTtlSeconds * 1000;
    await this.store.credentials.extend('login-ticket', ticketHash, expiresAt);
    return expiresAt;
  }

  async revoke(ticketHash: string): Promise<void> {
    await this.store.credentials.revoke('login-ticket', ticketHash);
  }

  private async requireLoginable(sdkAppId: number, mail: string): Promise<Staff> {
    const staff = await this.store.staff.get(sdkAppId, mail);
    if (!staff) throw new SdkError('accountNotFound', `The staff account ${mail} no longer exists.`);
    if (staff.forcedOffline) throw new SdkError('accountForcedOffline', `An administrator has taken ${mail} offline (ForceMemberOffline); ask them to restore it.`);
    return staff;
  }

  private async issueTicket(staff: Staff): Promise<LoginSuccess> {
    const ticket = newHexSecret(32);
    const hash = hashSecret(ticket);
    const now = this.options.clock();
    const expiresAt = now + this.options.ticketTtlSeconds * 1000;
    // One write: two simultaneous logins cannot revoke each other; the later one wins.
    await this.store.credentials.issueExclusive({ kind: 'login-ticket', hash, sdkAppId: staff.sdkAppId, mail: staff.mail, onlyOnce: false, expiresAt, createdAt: now, usedAt: null });
    this.options.onLogin(staff.sdkAppId, staff.mail, hash);
    return { ticket, expiresAt, staff: profileOf(staff) };
  }
}
