// Step 2 of TCCC's integration: the CRM's agents become staff of the instance, through the Cloud
// API. Run at every start: new users are created, changed ones updated, removed ones deleted.

/**
 * @typedef {import('./ccc-client.mjs').CccClient} CccClient
 * @typedef {import('./store.mjs').Store} Store
 * @typedef {{ created: string[], updated: string[], deleted: string[], kept: string[] }} SyncReport
 */

/**
 * @param {CccClient} client
 * @param {number} sdkAppId
 * @param {string} name
 */
export async function skillGroupIdOf(client, sdkAppId, name) {
  const { SkillGroupList = [] } = await client.DescribeSkillGroupInfoList({ SdkAppId: sdkAppId, PageSize: 100, PageNumber: 0, SkillGroupName: name });
  return SkillGroupList.find((group) => group.SkillGroupName === name)?.SkillGroupId;
}

/**
 * Makes the instance's staff match the CRM's users. Only staff the CRM synced before are ever
 * deleted: the instance's administrator and staff made elsewhere are left alone.
 * @param {{ client: CccClient, sdkAppId: number, store: Store, skillGroupName: string }} options
 * @returns {Promise<SyncReport>}
 */
export async function syncStaff({ client, sdkAppId, store, skillGroupName }) {
  const report = /** @type {SyncReport} */ ({ created: [], updated: [], deleted: [], kept: [] });
  const groupId = await skillGroupIdOf(client, sdkAppId, skillGroupName);
  const { StaffList = [] } = await client.DescribeStaffInfoList({ SdkAppId: sdkAppId, PageSize: 9999, PageNumber: 0 });
  const existing = new Map(StaffList.map((staff) => [String(staff.Mail).toLowerCase(), staff]));
  const users = store.data.users;

  const missing = users.filter((user) => !existing.has(user.mail.toLowerCase()));
  // CreateStaff takes at most 10 staff at a time.
  for (let i = 0; i < missing.length; i += 10) {
    const batch = missing.slice(i, i + 10);
    const { ErrorStaffList = [] } = await client.CreateStaff({
      SdkAppId: sdkAppId,
      Staffs: batch.map((user) => ({ Name: user.name, Mail: user.mail, StaffNumber: user.staffNumber, Role: 3, ...(groupId === undefined ? {} : { SkillGroupNameList: [skillGroupName] }) })),
    });
    if (ErrorStaffList.length) throw new Error(`CreateStaff refused ${ErrorStaffList.map((e) => `${e.StaffEmail} (${e.Code}: ${e.Message})`).join(', ')}`);
    report.created.push(...batch.map((user) => user.mail));
  }

  for (const user of users) {
    const staff = existing.get(user.mail.toLowerCase());
    if (!staff) continue;
    const inGroup = groupId === undefined || (staff.SkillGroupList ?? []).some((group) => group.SkillGroupId === groupId);
    if (staff.Name === user.name && staff.StaffNumber === user.staffNumber && inGroup) continue;
    const groups = new Set((staff.SkillGroupList ?? []).map((group) => group.SkillGroupId));
    if (groupId !== undefined) groups.add(groupId);
    await client.ModifyStaff({ SdkAppId: sdkAppId, Email: user.mail, Name: user.name, StaffNo: user.staffNumber, SkillGroupIds: [...groups] });
    report.updated.push(user.mail);
  }

  const current = new Set(users.map((user) => user.mail.toLowerCase()));
  const gone = store.data.syncedStaff.filter((mail) => !current.has(mail.toLowerCase()) && existing.has(mail.toLowerCase()));
  if (gone.length) {
    // Staff who are online are not deleted; they are tried again at the next start.
    const { OnlineStaffList = [] } = await client.DeleteStaff({ SdkAppId: sdkAppId, StaffList: gone });
    report.kept.push(...OnlineStaffList);
    report.deleted.push(...gone.filter((mail) => !OnlineStaffList.includes(mail)));
  }

  store.data.syncedStaff = [...users.map((user) => user.mail), ...report.kept];
  store.save();
  return report;
}
