// Sets up what the demo needs in OpenCCC: the CRM page's origin, a skill group and a hotline.
// The Cloud API (official SDK) does what it can; the `openccc` command does the rest (origins and
// numbers are not part of TCCC's API).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { skillGroupIdOf } from './staff-sync.mjs';

const execFileAsync = promisify(execFile);

/** The OpenCCC command line of this repository (built by `npm run build`). */
export const OPENCCC_CLI = fileURLToPath(new URL('../../../packages/server/dist/cli/main.js', import.meta.url));

/**
 * Runs an `openccc` command on a data folder and returns what it printed.
 * @param {string} dataDir
 * @param {string[]} args
 */
export async function openccc(dataDir, args) {
  try {
    const { stdout } = await execFileAsync(process.execPath, [OPENCCC_CLI, ...args, '--data', dataDir], { env: { ...process.env, OPENCCC_DATA_DIR: dataDir } });
    return stdout;
  } catch (error) {
    const { stderr } = /** @type {{ stderr?: string }} */ (error);
    throw new Error(`openccc ${args[0]} failed: ${stderr?.trim() || String(error)}`);
  }
}

/**
 * Makes sure the instance has the CRM's origin, the skill group and the hotline routed to it.
 * Safe to run at every start.
 * @param {{ dataDir: string, client: import('./ccc-client.mjs').CccClient, sdkAppId: number, crmOrigin: string, skillGroupName: string, hotline: string }} options
 * @returns {Promise<{ skillGroupId: number, hotline: string }>}
 */
export async function provisionOpenCcc({ dataDir, client, sdkAppId, crmOrigin, skillGroupName, hotline }) {
  const instance = ['--instance', String(sdkAppId)];
  // The page embeds OpenCCC's workbench: its origin must be on the instance's list.
  await openccc(dataDir, ['origins', 'add', crmOrigin, ...instance]);

  let skillGroupId = await skillGroupIdOf(client, sdkAppId, skillGroupName);
  if (skillGroupId === undefined) {
    const created = await client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: skillGroupName, SkillGroupType: 0, MaxConcurrency: 1 });
    skillGroupId = /** @type {number} */ (created.SkillGroupId);
  }
  // A caller who rings before any agent has signed in waits in the queue instead of being hung up.
  await openccc(dataDir, ['group', 'routing', String(skillGroupId), '--when-none-online', 'queue', ...instance]);

  const listed = JSON.parse(await openccc(dataDir, ['number', 'list', '--json', ...instance]));
  const numbers = /** @type {Array<{ number: string, route: { kind: string, skillGroupId?: number } }>} */ (Array.isArray(listed?.numbers) ? listed.numbers : []);
  const existing = numbers.find((entry) => entry.number === hotline);
  if (!existing) await openccc(dataDir, ['number', 'add', hotline, '--skill-group', String(skillGroupId), ...instance]);
  else if (existing.route.kind !== 'skillGroup' || existing.route.skillGroupId !== skillGroupId) {
    await openccc(dataDir, ['number', 'route', hotline, '--skill-group', String(skillGroupId), ...instance]);
  }
  return { skillGroupId, hotline };
}
