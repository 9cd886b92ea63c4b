const KEYS: Array<[string, string]> = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/** The twelve phone keys, for dialling and for DTMF. */
export function Keypad({ id, hidden, testId, onPress }: { id?: string; hidden?: boolean; testId?: string; onPress: (key: string) => void }) {
  return (
    <div id={id} class="dial-keys" hidden={hidden} data-testid={testId}>
      {KEYS.map(([key, letters]) => (
        <button key={key} type="button" class="dial-key" data-key={key} onClick={() => onPress(key)}>
          <span class="dial-digit">{key}</span>
          <span class="dial-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}
