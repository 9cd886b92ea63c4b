import { hashPassword } from '../auth/passwords.js';
import { newPassword } from '../auth/secrets.js';
import { createInstance } from '../bootstrap.js';
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

/** `openccc staff reset-password <mail> [--password P]`: prints the new password when it was generated. */
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
      await folder.store.staff.update(instance.sdkAppId, staff.mail, { passwordHash: await hashPassword(password) }, Date.now());
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
