import { useId, type ReactNode } from 'react';

export interface SelectFieldProps<T extends string | number> {
  /** The label text: the select's accessible name. */
  label: string;
  value: T;
  /** Every value offered, in order. */
  choices: readonly T[];
  onChange(value: NoInfer<T>): void;
  /** How a choice reads in the list (default: as it is). */
  format?: (choice: NoInfer<T>) => ReactNode;
  testId?: string;
  /** The whole control is disabled (a run in progress). */
  disabled?: boolean;
  /** A choice that may not be picked now (it stays listed). */
  unavailable?: (choice: NoInfer<T>) => boolean;
}

/**
 * A labelled drop-down of typed choices: the label and the select, side by side (callers place them in a `.field`
 * or a row). The choice picked is handed back as the value it was listed with (a number stays a number).
 */
export function SelectField<T extends string | number>({ label, value, choices, onChange, format = String, testId, disabled, unavailable }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select
        id={id} value={String(value)} disabled={disabled} data-testid={testId}
        onChange={(e) => {
          const picked = choices.find((c) => String(c) === e.currentTarget.value);
          if (picked !== undefined) onChange(picked);
        }}
      >
        {choices.map((c) => <option key={String(c)} value={String(c)} disabled={unavailable?.(c)}>{format(c)}</option>)}
      </select>
    </>
  );
}
