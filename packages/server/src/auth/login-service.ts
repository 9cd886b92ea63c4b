import type { LoginSuccess, PasswordLoginRequest, StaffProfile, TokenLoginRequest } from '@openccc/protocol';
import { SdkError } from './sdk-error.js';
import type { OriginPolicy } from '../staff/origins.js';
import type { Credential, Staff, Store } from '../store/ports.js';
import type { LoginThrottle } from './login-throttle.js';
import { NO_PASSWORD_HASH, verifyPassword } from '../crypto/passwords.js';
import { hashSecret, newHexSecret } from '../crypto/secrets.js';
import type { WorkQueue } from './work-queue.js';

export function profileOf(staff: Staff): StaffProfile {
  return { sdkAppId: staff.sdkAppId, mail: staff.mail, name: staff.name, nick: staff.nick, staffNumber: staff.staffNumber, role: staff.role };
}

export interface LoginServiceOptions {
  ticketTtlSeconds: number;
  /** Limits on login attempts per address and account. */
  throttle: LoginThrottle;
  /** Bounds the scrypt work of password logins across all clients. */
  passwordWork: WorkQueue;
  clock: () => number;
  /** Called after a login: the newest login of a staff takes over (see docs/sdk.md). */
  onLogin: (sdkAppId: number, mail: string, ticketHash: string) => void;
}

/** Login tickets: what an SDK token or a password is exchanged for, and what the realtime connection presents. */
export class LoginService {
  constructor(
    private readonly store: Store,
    private readonly origins: OriginPolicy,
    private readonly options: LoginServiceOptions,
  ) {}

  /** Token → ticket. Checks the token exists, matches instance and user, is unexpired and (OnlyOnce) unused. */
  async exchangeToken(req: TokenLoginRequest, clientAddress: string): Promise<LoginSuccess> {
    if (!this.options.throttle.admitToken(clientAddress)) throw new SdkError('rateLimited', 'Too many sign-ins from this address; wait a minute and try again.');
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
    const account = req.mail.toLowerCase();
    if (!this.options.throttle.admitPassword(clientAddress, account)) {
      throw new SdkError('rateLimited', 'Too many login attempts; wait a minute and try again.');
    }
    const instances = req.sdkAppId !== undefined ? [req.sdkAppId] : (await this.store.instances.list()).map((i) => i.sdkAppId);
    const candidates: Staff[] = [];
    for (const sdkAppId of instances) {
      const staff = await this.store.staff.get(sdkAppId, req.mail);
      if (staff) candidates.push(staff);
    }
    const matches = await this.options.passwordWork.run(async () => {
      // Without candidates, the same scrypt work as a real check, so timing does not reveal which accounts exist.
      if (candidates.length === 0) await verifyPassword(req.password, NO_PASSWORD_HASH);
      const found: Staff[] = [];
      for (const staff of candidates) if (await verifyPassword(req.password, staff.passwordHash)) found.push(staff);
      return found;
    });
    if (matches.length === 0) throw new SdkError('badCredentials', 'Wrong email or password.');
    if (matches.length > 1) throw new SdkError('invalidArgument', 'This account exists in several instances; enter the SdkAppId too.');
    const match = matches[0] as Staff;
    const success = await this.issueTicket(await this.requireLoginable(match.sdkAppId, match.mail), match.passwordHash);
    this.options.throttle.passwordSucceeded(clientAddress, account);
    return success;
  }

  /** The staff a ticket belongs to; throws ticketInvalid / accountForcedOffline. */
  async verifyTicket(ticket: string): Promise<{ credential: Credential; staff: Staff }> {
    if (!/^[0-9a-f]{64}$/.test(ticket)) throw ticketEnded();
    return this.verifyTicketHash(hashSecret(ticket));
  }

  /** As `verifyTicket`, by the stored hash: the hub re-checks connected agents' logins with it. */
  async verifyTicketHash(ticketHash: string): Promise<{ credential: Credential; staff: Staff }> {
    const credential = await this.store.credentials.find('login-ticket', ticketHash);
    if (!credential || credential.expiresAt <= this.options.clock()) {
      throw ticketEnded();
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

  /**
   * Issues a ticket and signs the staff's other logins out. With `verifiedHash` (a password login), the
   * password must still be the one checked once the ticket is stored: a password changed meanwhile also
   * revoked this ticket, or is seen here and refused.
   */
  private async issueTicket(staff: Staff, verifiedHash?: string): Promise<LoginSuccess> {
    const ticket = newHexSecret(32);
    const hash = hashSecret(ticket);
    const now = this.options.clock();
    const expiresAt = now + this.options.ticketTtlSeconds * 1000;
    // One write: two simultaneous logins cannot revoke each other; the later one wins.
    await this.store.credentials.issueExclusive({ kind: 'login-ticket', hash, sdkAppId: staff.sdkAppId, mail: staff.mail, onlyOnce: false, expiresAt, createdAt: now, usedAt: null });
    if (verifiedHash !== undefined && (await this.store.staff.get(staff.sdkAppId, staff.mail))?.passwordHash !== verifiedHash) {
      await this.store.credentials.revoke('login-ticket', hash);
      throw new SdkError('badCredentials', 'Wrong email or password.');
    }
    this.options.onLogin(staff.sdkAppId, staff.mail, hash);
    return { ticket, expiresAt, staff: profileOf(staff) };
  }
}

function ticketEnded(): SdkError {
  return new SdkError('ticketInvalid', 'The login has ended (expired, signed out, replaced by a newer login, or the password changed); sign in again.');
}
