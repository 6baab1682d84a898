import { useId } from 'react';

export interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(value: number): void;
  /** How the current value is shown next to the label (units included). */
  format?: (v: number) => string;
  hint?: string;
  testId?: string;
}

/** A labelled range input: arrow keys, Home/End and PageUp/PageDown work as the browser provides them. */
export function Slider({ label, value, min, max, step = 1, onChange, format = String, hint, testId }: SliderProps) {
  const id = useId();
  const shown = format(value);
  return (
    <div className="slider">
      <label htmlFor={id}>
        {label} <output htmlFor={id} data-testid={testId ? `${testId}-value` : undefined}>{shown}</output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        aria-valuetext={shown}
        data-testid={testId}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}
