// The demo's agents and customers, written into an empty CRM on its first start.
import { hashPassword } from './passwords.mjs';

/** The demo logins, printed by start.mjs. Change them (or remove the users) before real use. */
export const DEMO_USERS = [
  { mail: 'lilei@example.com', name: '李雷 Li Lei', staffNumber: '1001', password: 'crm-demo-lilei' },
  { mail: 'hanmeimei@example.com', name: '韩梅梅 Han Meimei', staffNumber: '1002', password: 'crm-demo-hanmeimei' },
];

/** Customers; 王芳's number is the one to call the hotline from to see her card pop up. */
export const DEMO_CUSTOMERS = [
  { id: 'c1', name: '王芳 Wang Fang', company: '星河贸易有限公司', phone: '008613900001111', level: 'VIP' },
  { id: 'c2', name: '张伟 Zhang Wei', company: '蓝海科技', phone: '008613800138000', level: '普通' },
  { id: 'c3', name: '陈静 Chen Jing', company: '晨光教育', phone: '008618612345678', level: '普通' },
  // 0086555 0…: a scripted number of OpenCCC's virtual network that answers after 2 s with a tone.
  { id: 'c4', name: '赵强 Zhao Qiang', company: '演示：自动接听的号码', phone: '008655501234', level: '演示' },
];

/**
 * Fills an empty store with the demo's users and customers.
 * @param {import('./store.mjs').Store} store
 */
export async function seedDemoData(store) {
  if (store.data.users.length || store.data.customers.length) return false;
  for (const [index, user] of DEMO_USERS.entries()) {
    store.data.users.push({ id: `u${index + 1}`, mail: user.mail, name: user.name, staffNumber: user.staffNumber, passwordHash: await hashPassword(user.password) });
  }
  store.data.customers.push(...DEMO_CUSTOMERS.map((customer) => ({ ...customer })));
  store.save();
  return true;
}
