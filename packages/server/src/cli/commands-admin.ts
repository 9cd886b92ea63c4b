import { hashPassword } from '../crypto/passwords.js';
import { newPassword } from '../crypto/secrets.js';
import { createInstance } from '../bootstrap.js';
import { normalizeOrigin } from '../staff/origins.js';
import { storePasswordChange } from '../staff/password-change.js';
import { openFromFlags, pickInstance, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

/** `openccc instances create|list`. */
export async function instancesCommand(sub: string | undefined, flags: CommonFlags & { name?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    if (sub === 'create') {
      const created = await createInstance(folder.store, flags.name ?? 'instance', Date.now());
      if (flags.json) printJson(created);
      else process.stdout.write(`SdkAppId: ${created.sdkAppId}\nAdministrator: ${created.adminUser}\nPassword: ${created.adminPassword}\n(The password is shown only now.)\n`);
    } else if (sub === 'list') {
      const rows = (await folder.store.instances.list()).map((i) => ({ sdkAppId: i.sdkAppId, name: i.name, created: new Date(i.createdAt).toISOString() }));
      if (flags.json) printJson(rows);
      else printTable(rows);
    } else {
      throw new CliError('Usage: openccc instances create [--name N] | list');
    }
  } finally {
    await folder.store.close();
  }
}

/** `openccc staff reset-password <mail> [--password P]`: prints the new password when it was generated; ends the staff's logins. */
export async function staffCommand(sub: string | undefined, args: string[], flags: CommonFlags & { password?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    const instance = await pickInstance(folder, flags.instance);
    if (sub === 'reset-password') {
      const mail = args[0];
      if (!mail) throw new CliError('Usage: openccc staff reset-password <mail> [--password P] [--instance ID]');
      const staff = await folder.store.staff.get(instance.sdkAppId, mail);
      if (!staff) throw new CliError(`No staff ${mail} in instance ${instance.sdkAppId}.`);
      if (flags.password !== undefined && flags.password.length < 8) throw new CliError('--password must be at least 8 characters.');
      const password = flags.password ?? newPassword();
      // Also revokes the staff's login tickets; a running server signs their workbenches out within a sweep.
      await storePasswordChange(folder.store, instance.sdkAppId, staff.mail, await hashPassword(password), Date.now());
      const shown = flags.password === undefined ? password : undefined;
      if (flags.json) printJson({ sdkAppId: instance.sdkAppId, mail: staff.mail, password: shown });
      else process.stdout.write(shown ? `New password for ${staff.mail}: ${shown}\n` : `Password of ${staff.mail} changed.\n`);
    } else if (sub === 'list') {
      const { items } = await folder.store.staff.list(instance.sdkAppId, { limit: 10_000, offset: 0 });
      const rows = items.map((s) => ({ mail: s.mail, name: s.name, role: s.role, staffNumber: s.staffNumber }));
      if (flags.json) printJson(rows);
      else printTable(rows);
    } else {
      throw new CliError('Usage: openccc staff list | reset-password <mail> [--password P] [--instance ID]');
    }
  } finally {
    await folder.store.close();
  }
}

/** `openccc origins add|list|remove <origin>`: host pages allowed to embed the workbench. */
export async function originsCommand(sub: string | undefined, args: string[], flags: CommonFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    const instance = await pickInstance(folder, flags.instance);
    if (sub === 'list') {
      const list = await folder.store.origins.list(instance.sdkAppId);
      if (flags.json) printJson({ sdkAppId: instance.sdkAppId, origins: list });
      else process.stdout.write(list.length ? `${list.join('\n')}\n` : '(none: only OpenCCC\'s own origin may embed the workbench)\n');
      return;
    }
    if (sub !== 'add' && sub !== 'remove') throw new CliError('Usage: openccc origins add|remove <origin> | list [--instance ID]');
    const text = args[0];
    if (!text) throw new CliError(`Usage: openccc origins ${sub} <origin>, e.g. https://crm.example.com`);
    const origin = normalizeOrigin(text);
    if (!origin) throw new CliError(`"${text}" is not an origin: give scheme, host and optional port only, e.g. https://crm.example.com or http://localhost:3000 (or * for any).`);
    const changed = sub === 'add' ? await folder.store.origins.add(instance.sdkAppId, origin, Date.now()) : await folder.store.origins.remove(instance.sdkAppId, origin);
    if (sub === 'remove' && !changed) throw new CliError(`${origin} is not in the list of instance ${instance.sdkAppId}.`);
    if (flags.json) printJson({ sdkAppId: instance.sdkAppId, origin, result: sub === 'add' ? (changed ? 'added' : 'unchanged') : 'removed' });
    else process.stdout.write(`${origin} ${sub === 'add' ? (changed ? 'added to' : 'was already in') : 'removed from'} the allowed origins of ${instance.sdkAppId}; applies to the next page load.\n`);
  } finally {
    await folder.store.close();
  }
}
