import { KEYPAD } from '../format.js';

/** The twelve keys; `compact` for the in-call keypad. */
export function Keypad({ onKey, label, compact = false, testId }: { onKey: (key: string) => void; label: string; compact?: boolean; testId?: string }) {
  return (
    <div class={`keypad${compact ? ' compact' : ''}`} role="group" aria-label={label} data-testid={testId}>
      {KEYPAD.map(([key, letters]) => (
        <button key={key} type="button" class="key" data-key={key} onClick={() => onKey(key)}>
          <span class="key-digit">{key}</span>
          <span class="key-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}
