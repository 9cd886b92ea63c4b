// The CRM's own data in one JSON file: users (agents), customers, call notes, and which staff the
// CRM has synced to OpenCCC. A real CRM has a database; the integration does not depend on it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ id: string, mail: string, name: string, staffNumber: string, passwordHash: string }} User
 * @typedef {{ id: string, name: string, company: string, phone: string, level: string }} Customer
 * @typedef {{ sessionId: string, customerId: string, author: string, text: string, createdAt: number }} Note
 * @typedef {{ users: User[], customers: Customer[], notes: Note[], syncedStaff: string[] }} CrmData
 */

/** @returns {CrmData} */
function empty() {
  return { users: [], customers: [], notes: [], syncedStaff: [] };
}

/** @param {unknown} value @returns {CrmData} */
function parse(value) {
  const data = empty();
  if (typeof value !== 'object' || value === null) return data;
  const record = /** @type {Record<string, unknown>} */ (value);
  for (const key of /** @type {const} */ (['users', 'customers', 'notes', 'syncedStaff'])) {
    if (!Array.isArray(record[key])) throw new Error(`crm.json: "${key}" should be a list`);
  }
  return /** @type {CrmData} */ (record);
}

export class Store {
  /** @type {CrmData} */
  data;
  #file;

  /** @param {string} dataDir */
  constructor(dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.#file = join(dataDir, 'crm.json');
    let text;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      text = null;
    }
    this.data = text === null ? empty() : parse(JSON.parse(text));
  }

  /** Writes the data (to a new file first, so a crash never leaves half a file). */
  save() {
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(temporary, this.#file);
  }

  /** @param {string} mail */
  userByMail(mail) {
    const wanted = mail.trim().toLowerCase();
    return this.data.users.find((user) => user.mail.toLowerCase() === wanted);
  }

  /** @param {string} id */
  userById(id) {
    return this.data.users.find((user) => user.id === id);
  }

  /** @param {string} id */
  customerById(id) {
    return this.data.customers.find((customer) => customer.id === id);
  }

  /**
   * The customer whose number this is, in whatever form the phone network wrote it.
   * @param {string} phone
   */
  customerByPhone(phone) {
    const wanted = normalisePhone(phone);
    return wanted ? this.data.customers.find((customer) => normalisePhone(customer.phone) === wanted) : undefined;
  }

  /**
   * Adds or replaces the note of a call.
   * @param {Note} note
   */
  saveNote(note) {
    this.data.notes = this.data.notes.filter((n) => n.sessionId !== note.sessionId);
    this.data.notes.push(note);
    this.save();
  }

  /** @param {string} customerId */
  notesOf(customerId) {
    return this.data.notes.filter((note) => note.customerId === customerId);
  }
}

/**
 * A mainland number in TCCC's `0086…` form: `+86 139 0000 1111`, `8613900001111` and
 * `13900001111` all become `008613900001111`. Empty when it is no number.
 * @param {string} phone
 */
export function normalisePhone(phone) {
  const digits = phone.replace(/[\s\-().]/g, '');
  if (!/^\+?\d+$/.test(digits)) return '';
  if (digits.startsWith('+86')) return `0086${digits.slice(3)}`;
  if (digits.startsWith('0086')) return digits;
  if (/^861\d{10}$/.test(digits)) return `00${digits}`;
  if (digits.startsWith('0')) return `0086${digits.slice(1)}`;
  return `0086${digits}`;
}
