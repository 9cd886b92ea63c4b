/**
 * The addresses desk phones are registered from. Their requests and answers skip flood control:
 * the phones of an office behind one NAT address would otherwise ban each other.
 */
/** Addresses with a live registration, counted per address of record (several phones may share one). */
export class PhoneAddresses {
  private readonly byAor = new Map<string, string[]>();
  private readonly counts = new Map<string, number>();

  set(aor: string, addresses: string[]): void {
    for (const address of this.byAor.get(aor) ?? []) {
      const left = (this.counts.get(address) ?? 1) - 1;
      if (left > 0) this.counts.set(address, left);
      else this.counts.delete(address);
    }
    if (addresses.length === 0) this.byAor.delete(aor);
    else this.byAor.set(aor, addresses);
    for (const address of addresses) this.counts.set(address, (this.counts.get(address) ?? 0) + 1);
  }

  has(address: string): boolean {
    return this.counts.has(address);
  }
}
